# awscli-mcp behind an IAM-authenticated Function URL (authorization AWS_IAM), in
# ap-northeast-1. The MCP client starts `awscli-mcp proxy`, which signs every request with the
# caller's AWS credentials (SigV4). The caller needs lambda:InvokeFunctionUrl and
# lambda:InvokeFunction on the function: the caller_policy output is that identity policy
# (same account); principals of other accounts go in allowed_principals. docs/deploy.md.
#
#   terraform init && terraform apply -var image_tag=v0.1.0
#   terraform output -raw mcp_client_config     # paste into the MCP client
#   terraform output -raw caller_policy         # attach to the users or roles that call it

terraform {
  required_version = ">= 1.9.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28.0, < 7.0.0"
    }
  }
}

variable "aws_region" {
  description = "Region to deploy into."
  type        = string
  default     = "ap-northeast-1"
}

variable "image_tag" {
  description = "Tag of the image scripts/push-image pushed."
  type        = string
  default     = "latest"
}

variable "architecture" {
  description = "arm64 or x86_64: the architecture the image was built for (scripts/push-image --arch)."
  type        = string
  default     = "arm64"
}

variable "allowed_principals" {
  description = "Account IDs or IAM user/role ARNs of other accounts allowed to call the URL."
  type        = list(string)
  default     = []
}

variable "aws_profile" {
  description = "AWS profile the MCP client's proxy signs with (null: the default credential chain)."
  type        = string
  default     = null
}

provider "aws" {
  region = var.aws_region
}

module "awscli_mcp" {
  source = "../../modules/lambda_mcp"

  function_name       = "awscli-mcp-iam"
  ecr_repository_name = "awscli-mcp"
  aws_region          = var.aws_region
  image_tag           = var.image_tag
  architectures       = [var.architecture]
  authorization_type  = "AWS_IAM"
  allowed_principals  = var.allowed_principals
  timeout             = 300
  memory_size         = 512
  log_retention_days  = 30
  tags                = { Project = "awscli-mcp" }
}

output "function_url" {
  description = "The MCP endpoint (SigV4-signed requests only)."
  value       = module.awscli_mcp.function_url
}

# terraform output -raw caller_policy
output "caller_policy" {
  description = "Identity policy for the users or roles that call the URL: both actions, as AWS requires for Function URLs since October 2025."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "InvokeAwscliMcpFunctionUrl"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"]
      Resource = module.awscli_mcp.function_arn
    }]
  })
}

# terraform output -raw mcp_client_config
output "mcp_client_config" {
  description = "The block to paste into the MCP client's configuration: a stdio server that runs the SigV4-signing proxy."
  value = jsonencode({
    mcpServers = {
      "awscli-mcp" = {
        command = "awscli-mcp"
        args = concat(
          ["proxy", "--url", module.awscli_mcp.function_url, "--region", var.aws_region],
          var.aws_profile == null ? [] : ["--profile", var.aws_profile],
        )
      }
    }
  })
}
