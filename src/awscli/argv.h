#ifndef AWSCLI_ARGV_H
#define AWSCLI_ARGV_H

/*
 * The command tokenizer of run_aws_cli: turns the command string the model sends into the
 * words handed to execve(2). There is no shell anywhere, so this is POSIX word splitting and
 * nothing else:
 *
 *   - 'single quotes' keep every byte literally (line feeds and tabs included);
 *   - "double quotes" keep every byte literally except \" \\ \$ \` (the backslash is dropped)
 *     and \<newline> (both are dropped); any other backslash stays as it is;
 *   - outside quotes a backslash takes the next byte literally, \<newline> is a line
 *     continuation, blanks (space, tab) separate words;
 *   - no expansion of any kind: $, ~, globs and braces are literal characters.
 *
 * Refused, with a message (err code ERR_INVALID_PARAMS) that says what was wrong and what to do
 * instead: unbalanced quotes, a trailing backslash, an unquoted shell operator (| ; & $ ( ) < > `),
 * an unquoted line feed, a carriage return anywhere, an unquoted '#' that starts a word (a shell
 * comment), any other control byte (0x00-0x1f other than tab and quoted line feed, 0x7f),
 * bytes that are not UTF-8, an empty command, more than ARGV_MAX_WORDS words, or more than
 * ARGV_MAX_BYTES bytes. A first word "aws" is dropped, so "aws logs ..." and "logs ..." give
 * the same words.
 */

#include <stddef.h>

#include "err.h"

#define ARGV_MAX_WORDS 256
#define ARGV_MAX_BYTES (16 * 1024)

/* A NULL-terminated vector of malloc'd words: v[n] == NULL when v != NULL. */
struct argv_words {
    char **v;
    size_t n;
};

#define ARGV_WORDS_INIT                                                                            \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/*
 * Splits cmd into words. `out` must be empty (ARGV_WORDS_INIT or released). Returns 0 with
 * out filled (the caller owns it and frees it with argv_words_release), or -1 with out left
 * empty and e filled (code ERR_INVALID_PARAMS for bad input, ERR_INTERNAL when memory ran out).
 */
int argv_split(const char *cmd, struct argv_words *out, struct err *e) WUR;

/*
 * The same for the first len bytes of cmd, which may contain NUL bytes (a JSON string can
 * carry \u0000): a NUL is refused like the other control bytes, with its position.
 */
int argv_split_n(const char *cmd, size_t len, struct argv_words *out, struct err *e) WUR;

/* Frees the words and the vector and re-initialises w; safe to call twice. */
void argv_words_release(struct argv_words *w);

#endif
