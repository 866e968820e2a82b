#ifndef BANNED_H
#define BANNED_H

/*
 * Functions that are easy to misuse and have safer replacements in this code base
 * (after git's banned.h). Including this header last turns every use into a compile error.
 * Use snprintf / buf_* instead of the string functions, strtol-family with range checks
 * instead of atoi, gmtime_r / localtime_r instead of the static-buffer versions, and
 * err_errno_text (err.h) instead of strerror.
 */
#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef strerror
#define strerror(e) BANNED(strerror)

#endif
