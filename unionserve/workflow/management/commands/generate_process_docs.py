"""Write docs/processes/<code>.md (with its Mermaid diagram) for every registered process."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from unionserve.workflow.diagrams import markdown
from unionserve.workflow.registry import registry


class Command(BaseCommand):
    help = "Generate the process diagrams and tables under docs/processes/ from the definitions."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if a file is out of date.")

    def handle(self, *args, check=False, **options):
        out = Path(settings.PROJECT_DIR) / "docs" / "processes"
        out.mkdir(parents=True, exist_ok=True)
        stale = []
        with translation.override("zh-hans"):
            for definition in registry.all():
                path = out / f"{definition.code.lower()}.md"
                text = markdown(definition)
                if check:
                    if not path.exists() or path.read_text(encoding="utf-8") != text:
                        stale.append(path.name)
                else:
                    path.write_text(text, encoding="utf-8")
                    self.stdout.write(f"wrote {path}")
        if stale:
            raise SystemExit(f"out of date: {', '.join(stale)}; run manage.py generate_process_docs")
