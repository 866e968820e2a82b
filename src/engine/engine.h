#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

/*
 * The native engine: the commands the model tables describe, answered in-process with the
 * bytes, exit code and error text AWS CLI v2 would give (docs/engine.md).
 *
 * The engine reproduces the AWS CLI exactly or not at all. A function that meets something it
 * cannot reproduce with certainty (a syntax it does not parse, a value the CLI would print in
 * a way it does not model) returns ENGINE_HANDOFF, a positive value distinct from success (0)
 * and failure (negative), with the reason in the caller's struct err (code ERR_NONE), and the
 * command then runs the real CLI.
 */

#include <stdatomic.h>
#include <stddef.h>

#include "awscli/runner.h"
#include "common.h"
#include "err.h"

#define ENGINE_HANDOFF 1

/* Fills e->msg (if e) with the reason, sets e->code to ERR_NONE, returns ENGINE_HANDOFF. */
int engine_handoff(struct err *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

struct engine_options {
    const char *endpoint_url; /* the server's --endpoint-url for every service; NULL = AWS's */
    const char *aws_cli; /* AWS CLI v2 for the credential sources only it serves; NULL = none */
    size_t max_stdout;   /* stdout cap in bytes (the server's max_output_bytes) */
    size_t max_stderr;   /* stderr cap in bytes (CAP_CLI_STDERR) */
};

struct engine;

/* A new engine (*out). Nothing is loaded or resolved until the first engine_run. */
int engine_new(const struct engine_options *o, struct engine **out, struct err *e) WUR;
/* Frees the engine; no call may be in flight. NULL allowed. */
void engine_free(struct engine *eng);

struct engine_call {
    /* The command's words as argv_split gives them (no leading "aws"), after the policy said
     * yes. Without --output the engine prints json, as the server asks the CLI to. */
    char *const *words;
    size_t n;
    long long deadline_ms;     /* CLOCK_MONOTONIC ms (clock_mono_ms); 0 = none */
    const atomic_bool *cancel; /* true (any thread) = abort; NULL = never */
};

/*
 * Runs one command natively. Any number of threads may call it at once on one engine.
 *
 * Returns 0 with res filled as runner_run fills it for the CLI: exit_code, out and err (the
 * CLI's exact bytes, cut at the caps, with *_truncated and *_bytes), timed_out / cancelled,
 * duration_ms; term_signal, memory_limited and max_rss_kb stay 0. Returns ENGINE_HANDOFF with
 * the reason in e when the command must run the CLI (res is then released and initialised
 * again), or -1 with e filled when memory ran out.
 */
int engine_run(struct engine *eng, const struct engine_call *c, struct runner_result *res,
               struct err *e) WUR;

#endif
