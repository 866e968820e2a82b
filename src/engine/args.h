#ifndef ENGINE_ARGS_H
#define ENGINE_ARGS_H

/*
 * The AWS CLI's command-line parsing for the operations in the model tables: the words of one
 * command (as argv_split gives them, without "aws") become the botocore params the CLI would
 * build (awscli/clidriver.py, arguments.py, argprocess.py, shorthand.py, customizations/
 * paginate.py) plus the global options, or a usage error with the CLI's exact stderr, or
 * "hand to the CLI".
 *
 * Taken: option values as separate words or --name=value; strings, integers and longs
 * ([-]digits), doubles, timestamps (kept as written: the protocol converts them), booleans
 * (--flag, --no-flag), lists (nargs='*', or one JSON list), structures and lists of
 * structures in JSON or shorthand, and the global options --region, --output (json, text),
 * --query, --no-paginate, --max-items, --starting-token, --page-size, --color,
 * --cli-read-timeout, --cli-connect-timeout, --cli-binary-format, --no-cli-pager. The params
 * are then checked as botocore's validator checks them (required members, unknown keys,
 * types, min); a command that fails that check goes to the CLI, whose message the engine
 * does not yet copy.
 *
 * Handed to the CLI: an operation or option not in the tables, any abbreviation, a value
 * starting with '-' that argparse would read as an option, option values it reads as int() or
 * float() in forms other than the plain ones, shorthand outside ASCII or with a syntax error,
 * JSON that jansson and Python's json module might read differently (duplicate keys, NaN,
 * integers past 64 bits), and every other error but a missing required option and paging
 * options with paging off ("Cannot specify --no-paginate along with pagination arguments").
 */

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common.h"
#include "engine/model.h"
#include "err.h"

struct args {
    const struct model_service *svc;
    const struct model_operation *op;
    json_t *params; /* new reference: the operation's input, in the CLI's order */
    json_t
        *pagination_config; /* new reference or NULL: {"MaxItems", "PageSize", "StartingToken"} */
    bool paginate;          /* the CLI pages automatically (no --no-paginate, no token) */
    /* Global options as given (borrowed from the words), NULL when absent. */
    const char *region, *output, *query, *color, *cli_binary_format;
    long long read_timeout, connect_timeout; /* -1 when absent */
    bool no_cli_pager;
    /* A usage error: what the CLI prints on stderr (malloc'd), exit code 252. NULL if none. */
    char *usage_error;
};

#define ARGS_INIT                                                                                  \
    {                                                                                              \
        .read_timeout = -1, .connect_timeout = -1                                                  \
    }

/* The CLI's exit code for usage errors (argparse), AWS CLI v2. */
#define ARGS_USAGE_EXIT 252

/*
 * Parses words[0..n) into a (which must be ARGS_INIT or released). Returns 0 (params built, or
 * a->usage_error set), ENGINE_HANDOFF with the reason in e, or -1 when memory ran out.
 */
int args_parse(char *const *words, size_t n, struct args *a, struct err *e) WUR;
void args_release(struct args *a);

#endif
