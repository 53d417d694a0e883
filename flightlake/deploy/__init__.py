"""Deployment to AWS: profiles (config.py) and least-privilege IAM policies (policies.py)."""
