# Quick start: awscli-mcp behind a public Function URL (authorization NONE) protected by a
# generated bearer token, in ap-northeast-1. docs/deploy.md walks through it:
#
#   scripts/push-image --region ap-northeast-1 --repository awscli-mcp --tag v0.1.0
#   terraform init && terraform apply -var image_tag=v0.1.0
#   terraform output -raw mcp_client_config     # paste into the MCP client

terraform {
  required_version = ">= 1.9.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28.0, < 7.0.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6.0, < 4.0.0"
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

provider "aws" {
  region = var.aws_region
}

# The token every request must carry; it stays in the Terraform state (keep the state private).
resource "random_password" "auth_token" {
  length  = 48
  special = false
}

module "awscli_mcp" {
  source = "../../modules/lambda_mcp"

  function_name       = "awscli-mcp"
  ecr_repository_name = "awscli-mcp"
  aws_region          = var.aws_region
  image_tag           = var.image_tag
  architectures       = [var.architecture]
  authorization_type  = "NONE"
  auth_token          = random_password.auth_token.result
  timeout             = 300
  memory_size         = 512
  log_retention_days  = 30
  tags                = { Project = "awscli-mcp" }
}

output "function_url" {
  description = "The MCP endpoint."
  value       = module.awscli_mcp.function_url
}

output "log_group_name" {
  value = module.awscli_mcp.log_group_name
}

# terraform output -raw mcp_client_config
output "mcp_client_config" {
  description = "The block to paste into the MCP client's configuration (Cursor, VS Code, Claude Desktop)."
  sensitive   = true
  value = jsonencode({
    mcpServers = {
      "awscli-mcp" = {
        url     = module.awscli_mcp.function_url
        headers = { Authorization = "Bearer ${random_password.auth_token.result}" }
      }
    }
  })
}
