"""Deployment to AWS, generated from the pipeline DAG, the contracts and a profile: profiles
(config.py), the resources (resources.py, crawlers.py, views.py), least-privilege IAM policies
(policies.py), and the engine that compares them with what is deployed and applies the changes
(engine.py)."""
