#ifndef ENGINE_CLI_MODELS_H
#define ENGINE_CLI_MODELS_H

/*
 * Does an installed AWS CLI have the models the native engine's tables were made from?
 *
 * The tables (models_gen*.c) are generated from one CLI's botocore models (AWS CLI 2.9.19,
 * model_cli_version). A CLI with other models prints other replies (a newer model adds reply
 * members, e.g. logGroupArn, that the tables would drop), so the native engine must not stand
 * in for it. The generator records the SHA-256 of every model file it read (model_files, and
 * src/engine/models.sha256 for the image build); this check finds the botocore data directory
 * of the CLI at a path and compares.
 *
 * Layouts found (from realpath(aws_path)):
 * - AWS's installer (a PyInstaller program): <prefix>/v2/<version>/dist/aws with the models in
 *   dist/awscli/botocore/data (or dist/_internal/awscli/botocore/data, PyInstaller 6's default);
 * - a Python script (Debian's /usr/bin/aws, pip, pip --user, a venv, Homebrew's venv): the
 *   prefix of its "#!" interpreter (python*, directly or through /usr/bin/env) and the
 *   script's own prefix, each searched in lib/python3.X/{site,dist}-packages (and python3) and
 *   local/lib/python3.X/dist-packages for awscli/botocore/data. Every directory found must
 *   match (Python imports the first on its path; which one that is is not guessed). Any other
 *   script (a shell wrapper, pyenv's shim) finds nothing, and counts as a difference.
 * A model stored only as .json.gz (newer botocore can load those) cannot be verified and
 * counts as a difference; so does a newer API version directory of a service, which botocore
 * would load instead. Not looked at: AWS_DATA_PATH, ~/.aws/models and the `data_path` setting,
 * which the CLI children of awscli-mcp do not get (a private HOME, cli_env.c) unless an
 * operator's config file sets data_path.
 *
 * Cost: reading and hashing the six files (about 520 KB); docs/engine.md has the figure.
 *
 * Intended use (src/tools/run_aws_cli*.c): in `auto` engine mode, once per process before the
 * first native call (pthread_once), with the CLI path the server runs (AWSCLI_MCP_AWS_CLI).
 * On -1 the native engine stays off for the process, with one WARN log line carrying e->msg;
 * `native` mode does not need the check (it never runs the CLI), `cli` mode never uses the
 * engine.
 */

#include "common.h"
#include "err.h"

/* One model file the tables were generated from. */
struct model_file {
    const char *path; /* relative to botocore's data directory: "logs/2014-03-28/service-2.json" */
    const char *sha256; /* lower-case hex */
};

/* The files, in the generator's reading order, then {NULL, NULL} (models_gen.c). */
extern const struct model_file model_files[];

/*
 * 0 when the AWS CLI at aws_path (a path, or a name searched on PATH like execvp does) has
 * exactly the model files in model_files. -1 otherwise, with e->msg naming the CLI, its
 * version when it can be read, the first difference and how many more, e.g. "the AWS CLI at
 * /usr/local/bin/aws (2.36.32) has other models than the native engine's tables (AWS CLI
 * 2.9.19): logs/2014-03-28/service-2.json differs (and 3 more); regenerate with
 * scripts/gen-engine-models, see docs/engine.md". e->code is ERR_INVALID_PARAMS for a CLI
 * that is missing or differs, ERR_INTERNAL when memory or libcrypto fails. Thread-safe (no
 * state), but meant to run once.
 */
int engine_cli_models_check(const char *aws_path, struct err *e) WUR;

#endif
