# The function's execution role: CloudWatch Logs and CloudWatch reads (what run_aws_cli's
# default policy allows), writes only to its own log group, plus extra_policy_statements.
# sts:GetCallerIdentity needs no permission.

locals {
  logs_read_actions = [
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:StopQuery",
    "logs:GetQueryResults",
    "logs:GetLogRecord",
    "logs:DescribeQueries",
    "logs:DescribeMetricFilters",
    "logs:TestMetricFilter",
    "logs:GetLogGroupFields",
  ]
  cloudwatch_read_actions = [
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DescribeAlarmHistory",
    "cloudwatch:DescribeAlarmsForMetric",
    "cloudwatch:ListDashboards",
    "cloudwatch:GetDashboard",
  ]
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  # A prefix, not a fixed name: roles are global, so the same function name can be deployed
  # in several regions of one account.
  name_prefix        = "${substr(var.function_name, 0, 37)}-"
  description        = "Execution role of the awscli-mcp function ${var.function_name}"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

data "aws_iam_policy_document" "permissions" {
  statement {
    sid       = "CloudWatchLogsRead"
    effect    = "Allow"
    actions   = local.logs_read_actions
    resources = ["*"]
  }

  statement {
    sid       = "CloudWatchRead"
    effect    = "Allow"
    actions   = local.cloudwatch_read_actions
    resources = ["*"]
  }

  # Its own log streams only: no logs:CreateLogGroup, no other group.
  statement {
    sid       = "OwnLogGroupWrite"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.extra_policy_statements
    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "awscli-mcp"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}
