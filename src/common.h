#ifndef COMMON_H
#define COMMON_H

/* The few macros every module uses. */

#define WUR               __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Elements of an array (not a pointer: the compiler would not notice). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
