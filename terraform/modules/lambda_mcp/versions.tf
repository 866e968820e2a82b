terraform {
  # 1.9: variable validations may refer to other variables (auth_token needs
  # authorization_type).
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.28.0 added `invoked_via_function_url` to aws_lambda_permission, which the
      # lambda:InvokeFunction half of a Function URL's permissions needs (AWS requires both
      # lambda:InvokeFunctionUrl and lambda:InvokeFunction for new URLs since October 2025).
      # 6.x also gives every regional resource the `region` argument that aws_region sets.
      version = ">= 6.28.0, < 7.0.0"
    }
  }
}
