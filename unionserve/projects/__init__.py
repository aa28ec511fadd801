"""Service projects (服务项目) and contracted merchants (特约服务商户) from proposal to exit, the catalogue,
the evaluation and the worker-needs survey.
"""
