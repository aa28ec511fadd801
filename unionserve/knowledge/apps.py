from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "unionserve.knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from unionserve.hotline.public import answer_archived

        from .indexing import index_archived_answer

        answer_archived.connect(index_archived_answer, dispatch_uid="knowledge.index_archived_answer")
