"""Framework files in the admin: an "Import framework" page on the tracks'
list (upload, preview with every error, confirm) and an "Export" action.

The track admin (growth.admin.framework) inherits ``FrameworkFilesMixin`` and
lists ``export_framework`` in its actions. Until it exists, a plain one is
registered here so the pages are reachable.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from growth.framework.importer import (
    CREATE,
    DELETE,
    RETIRE,
    UPDATE,
    FrameworkImportError,
    framework_export,
    framework_import_apply,
    framework_import_plan,
)
from growth.models import (
    Competency,
    CompetencyArea,
    Expectation,
    Level,
    PendingImport,
    Track,
)

MAX_FILE_BYTES = 512 * 1024
MAX_FILES = 20
PENDING_PREFIX = "framework-"


def _now():
    return timezone.now()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class FrameworkUploadForm(forms.Form):
    files = MultipleFileField(
        label="Framework files",
        help_text="One Markdown file (.md) per track; several at once.",
    )

    def clean_files(self):
        texts = []
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"At most {MAX_FILES} files at once.")
        for file in files:
            if not file.name.lower().endswith((".md", ".markdown")):
                raise forms.ValidationError(f"{file.name} is not a .md file.")
            if file.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"{file.name} is larger than {MAX_FILE_BYTES // 1024} KB."
                )
            try:
                texts.append((file.name, file.read().decode("utf-8")))
            except UnicodeDecodeError:
                raise forms.ValidationError(f"{file.name} is not UTF-8 text.") from None
        return texts


def pending_store(files: list[tuple[str, str]], *, now) -> str:
    """Keep the uploaded files in the database until the preview is confirmed
    (never on disk); forget those nobody confirmed within a day."""
    PendingImport.objects.filter(
        name__startswith=PENDING_PREFIX, created_at__lt=now - PendingImport.KEPT_FOR
    ).delete()
    name = f"{PENDING_PREFIX}{uuid.uuid4().hex}"
    data = json.dumps(files, ensure_ascii=False).encode("utf-8")
    PendingImport.objects.create(name=name, data=data, created_at=now)
    return name


# Each kind of row an import writes, and the permission each of its changes
# needs; a level's expectations deleted with it count as deletions too.
KIND_MODELS = {
    "track": Track,
    "level": Level,
    "area": CompetencyArea,
    "competency": Competency,
    "expectation": Expectation,
}
ACTION_PERMISSIONS = {
    CREATE: "add",
    UPDATE: "change",
    RETIRE: "change",
    DELETE: "delete",
}


def beyond_permissions(user, plan) -> list[str]:
    """What ``plan`` would write that ``user`` may not, in words ("add
    levels"): an import does only what its staff member may do by hand.
    Read from the changes the preview lists, so what it shows is what is
    checked."""
    needed = {
        (ACTION_PERMISSIONS[change.action], KIND_MODELS[change.kind])
        for change in plan.changes
        if change.action in ACTION_PERMISSIONS
    }
    refused = []
    for model in KIND_MODELS.values():
        opts = model._meta
        for action in ("add", "change", "delete"):
            permission = f"{opts.app_label}.{action}_{opts.model_name}"
            if (action, model) in needed and not user.has_perm(permission):
                refused.append(f"{action} {opts.verbose_name_plural}")
    return refused


class FrameworkFilesMixin:
    """For the Track admin: the import page, linked from its list."""

    change_list_template = "admin/growth/track/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "import-framework/",
                view(self.import_framework_view),
                name="growth_track_import_framework",
            ),
            *super().get_urls(),
        ]

    def has_import_framework_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_import_framework": self.has_import_framework_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_framework_view(self, request):
        if not self.has_import_framework_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "pending" in request.POST:
            return self._confirm(request, request.POST["pending"])
        form = FrameworkUploadForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method != "POST" or not form.is_valid():
            return self._page(request, form=form)
        files = form.cleaned_data["files"]
        plan = framework_import_plan(files)
        refused = [] if plan.has_errors else beyond_permissions(request.user, plan)
        pending = "" if plan.has_errors or refused else pending_store(files, now=_now())
        return self._page(
            request,
            form=FrameworkUploadForm(),
            plan=plan,
            pending=pending,
            refused=refused,
        )

    def _confirm(self, request, name):
        with transaction.atomic():
            row = (
                PendingImport.objects.select_for_update()
                .filter(name=name, name__startswith=PENDING_PREFIX)
                .first()
            )
            if row is None:
                # Confirmed already (a double click), or more than a day old.
                self.message_user(
                    request,
                    "This import was already confirmed or has expired; upload "
                    "the files again to see what they would change.",
                    messages.WARNING,
                )
                return redirect("admin:growth_track_changelist")
            files = [tuple(pair) for pair in json.loads(bytes(row.data).decode())]
            row.delete()
            plan = framework_import_plan(files)
            refused = [] if plan.has_errors else beyond_permissions(request.user, plan)
            if refused:  # the framework or the permissions changed meanwhile
                return self._page(
                    request, form=FrameworkUploadForm(), plan=plan, refused=refused
                )
            try:
                with transaction.atomic():
                    plan = framework_import_apply(plan, by=request.user)
            except FrameworkImportError as error:
                plan = framework_import_plan(files)
                plan.errors = error.errors
                return self._page(
                    request, form=FrameworkUploadForm(), plan=plan, changed=True
                )
        self.message_user(
            request,
            "Imported the framework. " + " ".join(plan.summary_lines(done=True)),
            messages.SUCCESS,
        )
        return redirect("admin:growth_track_changelist")

    def _page(self, request, *, form, plan=None, pending="", changed=False, refused=()):
        context = {
            "refused": refused,
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import framework",
            "form": form,
            "plan": plan,
            "pending": pending,
            "changed_meanwhile": changed,
        }
        return TemplateResponse(
            request, "admin/growth/track/import_framework.html", context
        )


@admin.action(
    description="Export the selected tracks as framework files", permissions=["view"]
)
def export_framework(modeladmin, request, queryset):
    """One track as its .md file; several as a .zip of them, built in memory."""
    tracks = list(queryset.order_by("position", "name"))
    if len(tracks) == 1:
        response = HttpResponse(
            framework_export(tracks[0]), content_type="text/markdown; charset=utf-8"
        )
        filename = f"{tracks[0].key}.md"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for track in tracks:
                archive.writestr(f"{track.key}.md", framework_export(track))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        filename = f"framework-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
