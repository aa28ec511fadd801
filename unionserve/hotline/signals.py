"""What the 12351 platform tells apps above it, without knowing them."""

from django.dispatch import Signal

#: An answer was archived on a request (after commit). Arguments: source_id (the request's id), case_number,
#: question, answer, category_id, answered_at. The knowledge base indexes it for similar-request suggestions.
answer_archived = Signal()
