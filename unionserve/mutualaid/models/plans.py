"""Plans, enrolment and the quarterly medical mutual-aid batch."""

__all__: list[str] = []
