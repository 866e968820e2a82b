variable "function_name" {
  description = "Name of the Lambda function; also names its IAM role and its log group /aws/lambda/<name>."
  type        = string
  default     = "awscli-mcp"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1 to 64 letters, digits, hyphens or underscores."
  }
}

variable "ecr_repository_name" {
  description = "Name of the existing ECR repository that holds the image (scripts/push-image creates and fills it)."
  type        = string
  default     = "awscli-mcp"

  validation {
    condition     = length(var.ecr_repository_name) >= 2 && length(var.ecr_repository_name) <= 256 && can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.ecr_repository_name))
    error_message = "ecr_repository_name must be a valid ECR repository name: 2 to 256 lower-case letters, digits and . _ - / separators."
  }
}

variable "aws_region" {
  description = "Region to deploy into, e.g. ap-northeast-1. null: the AWS provider's region."
  type        = string
  default     = null

  validation {
    condition     = var.aws_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))
    error_message = "aws_region must be a region name such as ap-northeast-1, or null."
  }
}

variable "image_tag" {
  description = "Tag (e.g. v0.1.0) or digest (sha256:...) of the image in the ECR repository. A digest makes every push an explicit update."
  type        = string
  default     = "latest"

  validation {
    condition     = can(regex("^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[0-9a-f]{64})$", var.image_tag))
    error_message = "image_tag must be an image tag ([A-Za-z0-9_.-], at most 128 characters) or a digest sha256:<64 hex digits>."
  }
}

variable "timeout" {
  description = "Function timeout in seconds. A tool call gets the invocation's remaining time minus 2 s."
  type        = number
  default     = 300

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 10 to 900 (an AWS CLI call alone takes about a second)."
  }
}

variable "memory_size" {
  description = "Memory in MB. The server needs a few MB; the AWS CLI child about 70 MB. More memory also means more CPU, so a faster CLI start."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "architectures" {
  description = "Instruction set of the image: [\"arm64\"] (Graviton, about 20% cheaper per GB-second) or [\"x86_64\"]. Must match the image pushed."
  type        = list(string)
  default     = ["arm64"]

  validation {
    condition     = length(var.architectures) == 1 && contains(["arm64", "x86_64"], var.architectures[0])
    error_message = "architectures must be [\"arm64\"] or [\"x86_64\"]."
  }
}

variable "authorization_type" {
  description = "Function URL authorization: NONE (public URL, protected by auth_token) or AWS_IAM (SigV4-signed requests only; use `awscli-mcp proxy`)."
  type        = string
  default     = "NONE"

  validation {
    condition     = contains(["NONE", "AWS_IAM"], var.authorization_type)
    error_message = "authorization_type must be NONE or AWS_IAM."
  }
}

variable "allowed_principals" {
  description = "With AWS_IAM: account IDs or IAM user/role ARNs granted both lambda:InvokeFunctionUrl and lambda:InvokeFunction in the function's resource policy (needed for other accounts; same-account callers can use an identity policy instead)."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for p in var.allowed_principals :
      can(regex("^([0-9]{12}|arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+))$", p))
    ])
    error_message = "allowed_principals must be 12-digit account IDs or IAM user/role ARNs (arn:aws:iam::123456789012:role/name)."
  }

  validation {
    condition     = length(var.allowed_principals) == 0 || var.authorization_type == "AWS_IAM"
    error_message = "allowed_principals only applies with authorization_type = \"AWS_IAM\"."
  }
}

variable "auth_token" {
  description = "Bearer token (16+ characters) every request must carry (AWSCLI_MCP_AUTH_TOKEN). Required with authorization_type NONE, where the URL is public."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.auth_token == null || length(coalesce(var.auth_token, "x")) >= 16
    error_message = "auth_token must be at least 16 characters."
  }

  validation {
    condition     = var.authorization_type != "NONE" || var.auth_token != null
    error_message = "authorization_type NONE makes the Function URL public: set auth_token (see terraform/examples/quickstart), or use AWS_IAM."
  }
}

variable "allowed_commands" {
  description = "Extra service:operation-glob patterns run_aws_cli may run (AWSCLI_MCP_ALLOW), e.g. [\"xray:get-*\"]. Grant the matching IAM actions with extra_policy_statements."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_commands : can(regex("^[a-z0-9-]+:[a-z0-9*?-]+$", c))])
    error_message = "allowed_commands entries must look like service:operation-glob, e.g. xray:get-*."
  }
}

variable "denied_commands" {
  description = "service:operation-glob patterns run_aws_cli refuses (AWSCLI_MCP_DENY); deny wins over allow."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.denied_commands : can(regex("^[a-z0-9-]+:[a-z0-9*?-]+$", c))])
    error_message = "denied_commands entries must look like service:operation-glob, e.g. logs:start-query."
  }
}

variable "extra_policy_statements" {
  description = "Extra IAM statements for the execution role, for the services allowed_commands opens (e.g. xray:GetTraceSummaries)."
  type = list(object({
    sid       = optional(string)
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
  }))
  default = []

  validation {
    condition = alltrue([
      for s in var.extra_policy_statements :
      contains(["Allow", "Deny"], s.effect) && length(s.actions) > 0 && length(s.resources) > 0 &&
      alltrue([for a in s.actions : a != "*" && can(regex("^[A-Za-z0-9-]+:[A-Za-z0-9*]+$", a))])
    ])
    error_message = "Each extra statement needs effect Allow or Deny, actions of the form service:Action (never \"*\"), and resources."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "environment" {
  description = "Extra environment variables for the function (AWSCLI_MCP_TIMEOUT_S, AWSCLI_MCP_LOG_LEVEL, ...; docs/configuration.md)."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for k in keys(var.environment) :
      !startswith(k, "AWS_") && !contains(["AWSCLI_MCP_AUTH_TOKEN", "AWSCLI_MCP_ALLOW", "AWSCLI_MCP_DENY", "AWSCLI_MCP_ALLOWED_ORIGINS"], k)
    ])
    error_message = "environment must not set AWS_* (reserved by Lambda) nor AWSCLI_MCP_AUTH_TOKEN/ALLOW/DENY/ALLOWED_ORIGINS (use auth_token, allowed_commands, denied_commands, cors)."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function, which is also its ceiling; -1: unreserved."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "cors" {
  description = "CORS for the Function URL (browser-based MCP clients; the server is stateless, so POST and the MCP request headers). null: no CORS. allow_origins are also passed to the server's Origin check."
  type = object({
    allow_origins     = list(string)
    allow_methods     = optional(list(string), ["POST"])
    allow_headers     = optional(list(string), ["authorization", "content-type", "mcp-protocol-version", "mcp-method", "mcp-name"])
    expose_headers    = optional(list(string), [])
    allow_credentials = optional(bool, false)
    max_age           = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.cors == null || try(length(var.cors.allow_origins) > 0 && var.cors.max_age >= 0 && var.cors.max_age <= 86400, false)
    error_message = "cors.allow_origins must list at least one origin, and cors.max_age must be 0 to 86400."
  }
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
