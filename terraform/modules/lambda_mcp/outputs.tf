output "function_url" {
  description = "The Function URL: the MCP endpoint to paste into the client (it serves / and /mcp)."
  value       = aws_lambda_function_url.this.function_url
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function (the Resource of a caller's identity policy with AWS_IAM)."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "image_uri" {
  description = "The image the function runs."
  value       = local.image_uri
}
