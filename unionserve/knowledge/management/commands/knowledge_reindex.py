"""Re-segment every article and answered request (after a change of the dictionary or the stop words)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from unionserve.knowledge import search
from unionserve.knowledge.models import AnsweredQuestion, Article
from unionserve.knowledge.segment import index_text

BATCH = 2000


class Command(BaseCommand):
    help = ("Recompute the segmented text of every knowledge article and answered request; the full-text index "
            "follows (SQLite triggers, PostgreSQL generated columns). Rows whose text segments the same are not "
            "written.")

    def handle(self, *args, **options):
        changed = self._articles() + self._answers()
        search.clear_stats_cache()
        self.stdout.write(f"Re-segmented rows: {changed}")

    def _articles(self) -> int:
        changed = 0
        rows = Article.objects.order_by("pk").values_list("pk", "title", "keywords", "question", "answer",
                                                          "search_title", "search_body")
        for start in range(0, rows.count(), BATCH):
            with transaction.atomic():
                for pk, title, keywords, question, answer, old_title, old_body in rows[start:start + BATCH]:
                    new_title, new_body = index_text(title, keywords), index_text(question, answer)
                    if (new_title, new_body) != (old_title, old_body):
                        Article.objects.filter(pk=pk).update(search_title=new_title, search_body=new_body)
                        changed += 1
        return changed

    def _answers(self) -> int:
        changed = 0
        rows = AnsweredQuestion.objects.order_by("pk").values_list("pk", "question", "search_text")
        for start in range(0, rows.count(), BATCH):
            with transaction.atomic():
                for pk, question, old in rows[start:start + BATCH]:
                    new = index_text(question)
                    if new != old:
                        AnsweredQuestion.objects.filter(pk=pk).update(search_text=new)
                        changed += 1
            if start and start % 100_000 == 0:
                self.stdout.write(f"  {start:,} answered requests checked")
        return changed
