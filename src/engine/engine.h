#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

/*
 * What every part of the native engine shares: the "hand to the CLI" result.
 *
 * The engine reproduces the AWS CLI exactly or not at all. A function that meets something it
 * cannot reproduce with certainty (a syntax it does not parse, a value the CLI would print in
 * a way it does not model) returns ENGINE_HANDOFF, a positive value distinct from success (0)
 * and failure (negative), with the reason in the caller's struct err (code ERR_NONE), and the
 * command then runs the real CLI. docs/engine.md states the rule.
 */

#include "err.h"

#define ENGINE_HANDOFF 1

/* Fills e->msg (if e) with the reason, sets e->code to ERR_NONE, returns ENGINE_HANDOFF. */
int engine_handoff(struct err *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
