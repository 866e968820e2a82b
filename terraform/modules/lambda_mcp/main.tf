# awscli-mcp on AWS Lambda: the container image function, its log group, its Function URL and
# the resource-based permissions the URL needs. IAM is in iam.tf.

data "aws_ecr_repository" "image" {
  region = var.aws_region
  name   = var.ecr_repository_name
}

locals {
  image_uri = startswith(var.image_tag, "sha256:") ? "${data.aws_ecr_repository.image.repository_url}@${var.image_tag}" : "${data.aws_ecr_repository.image.repository_url}:${var.image_tag}"

  # The module's own settings win over `environment` (its validation refuses those names).
  environment = merge(
    var.environment,
    var.auth_token == null ? {} : { AWSCLI_MCP_AUTH_TOKEN = var.auth_token },
    length(var.allowed_commands) == 0 ? {} : { AWSCLI_MCP_ALLOW = join(",", var.allowed_commands) },
    length(var.denied_commands) == 0 ? {} : { AWSCLI_MCP_DENY = join(",", var.denied_commands) },
    var.cors == null ? {} : { AWSCLI_MCP_ALLOWED_ORIGINS = join(",", var.cors.allow_origins) },
  )
}

# Created before the function (depends_on below), so Lambda never creates it itself without a
# retention, and so the role's write permission can name it.
resource "aws_cloudwatch_log_group" "this" {
  region            = var.aws_region
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  region        = var.aws_region
  function_name = var.function_name
  description   = "awscli-mcp: MCP server running AWS CLI v2 reads of CloudWatch Logs and Metrics"
  role          = aws_iam_role.this.arn
  package_type  = "Image"
  image_uri     = local.image_uri
  # The image's entrypoint is the server; AWS_LAMBDA_RUNTIME_API selects lambda mode.
  architectures                  = var.architectures
  timeout                        = var.timeout
  memory_size                    = var.memory_size
  reserved_concurrent_executions = var.reserved_concurrent_executions

  dynamic "environment" {
    for_each = length(local.environment) == 0 ? [] : [1]
    content {
      variables = local.environment
    }
  }

  # The server writes one JSON object per line, Lambda's JSON log format.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = "INFO"
    system_log_level      = "INFO"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_function_url" "this" {
  region             = var.aws_region
  function_name      = aws_lambda_function.this.function_name
  authorization_type = var.authorization_type
  invoke_mode        = "BUFFERED"

  dynamic "cors" {
    for_each = var.cors == null ? [] : [var.cors]
    content {
      allow_origins     = cors.value.allow_origins
      allow_methods     = cors.value.allow_methods
      allow_headers     = cors.value.allow_headers
      expose_headers    = cors.value.expose_headers
      allow_credentials = cors.value.allow_credentials
      max_age           = cors.value.max_age
    }
  }
}

# Since October 2025 a new Function URL needs both lambda:InvokeFunctionUrl and
# lambda:InvokeFunction (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
#
# NONE: anyone may call the URL (the server then checks the bearer token). Two statements for
# principal "*", each limited to calls through a NONE Function URL. The statement IDs differ
# from the ones the AWS provider may add by itself (FunctionURLAllowPublicAccess,
# FunctionURLAllowInvokeAction), so the two never collide, and these are in Terraform's state.
resource "aws_lambda_permission" "public_url" {
  count = var.authorization_type == "NONE" ? 1 : 0

  region                 = var.aws_region
  statement_id           = "AwscliMcpPublicInvokeFunctionUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.this.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "public_invoke" {
  count = var.authorization_type == "NONE" ? 1 : 0

  region                   = var.aws_region
  statement_id             = "AwscliMcpPublicInvokeFunction"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.this.function_name
  principal                = "*"
  invoked_via_function_url = true
}

# AWS_IAM: the listed principals get both actions (other accounts need this; callers in the
# function's own account may instead have an identity policy with both, see docs/deploy.md).
resource "aws_lambda_permission" "principal_url" {
  for_each = var.authorization_type == "AWS_IAM" ? toset(var.allowed_principals) : toset([])

  region                 = var.aws_region
  statement_id           = "AwscliMcpInvokeFunctionUrl-${substr(sha1(each.value), 0, 16)}"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.this.function_name
  principal              = each.value
  function_url_auth_type = "AWS_IAM"
}

resource "aws_lambda_permission" "principal_invoke" {
  for_each = var.authorization_type == "AWS_IAM" ? toset(var.allowed_principals) : toset([])

  region                   = var.aws_region
  statement_id             = "AwscliMcpInvokeFunction-${substr(sha1(each.value), 0, 16)}"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.this.function_name
  principal                = each.value
  invoked_via_function_url = true
}
