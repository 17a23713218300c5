"""Forms for editing the questionnaire in the admin with the same rules as questionnaire files."""

from django import forms
from django.utils.translation import gettext as _

from reports.models import CONDITION_PARENT_TYPES, Question, answer_choices
from reports.questionnaire_files import (
    QUESTION_SPEC_FIELDS,
    QuestionnaireFileError,
    check_question_definition,
)

CHECKED_FIELDS = [*QUESTION_SPEC_FIELDS, "show_if_values"]


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [*CHECKED_FIELDS, "position", "section", "show_if_question"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned  # field errors first; they are already shown beside the fields
        version_id = self.instance.version_id
        section = cleaned.get("section") or self.instance.section
        parent = cleaned.get("show_if_question", self.instance.show_if_question)
        position = cleaned.get("position", self.instance.position)
        code = cleaned.get("code", self.instance.code)
        if section.version_id != version_id:
            self._refuse("section", _("The section must belong to the question's version."))
        siblings = Question.objects.filter(version_id=version_id).exclude(pk=self.instance.pk)
        if siblings.filter(code=code).exists():
            self._refuse(
                "code",
                _("Another question of this version has the code %(code)s.") % {"code": code},
            )
        if parent is not None:
            if parent.version_id != version_id:
                self._refuse(
                    "show_if_question", _("The parent must be a question of the same version.")
                )
            if parent.position >= position:
                self._refuse("show_if_question", _("The parent must come before its follow-up."))
        # A form showing only some fields (the compact inline) checks the rest as stored.
        fields = {
            name: cleaned[name] if name in cleaned else getattr(self.instance, name)
            for name in CHECKED_FIELDS
        }
        fields["help"] = fields["help"] or ""
        fields["unit"] = fields["unit"] or ""
        fields["show_if_values"] = fields["show_if_values"] or []
        try:
            check_question_definition(
                fields,
                section_code=section.code,
                parent=(
                    {
                        "code": parent.code,
                        "type": parent.type,
                        "choices": parent.choices,
                        "allow_other": parent.allow_other,
                    }
                    if parent
                    else None
                ),
            )
        except QuestionnaireFileError as error:
            raise forms.ValidationError(error.reason) from error
        self._check_follow_ups_still_fit(fields)
        return cleaned

    def _check_follow_ups_still_fit(self, fields: dict) -> None:
        """A parent's new type or choices must still offer what its follow-ups depend on."""
        if self.instance.pk is None:
            return
        follow_ups = list(self.instance.follow_ups.all())
        if not follow_ups:
            return
        codes = list(follow_ups[0].show_if_values)
        if fields["type"] not in CONDITION_PARENT_TYPES:
            self._refuse(
                "type",
                _(
                    "Follow-up %(code)s depends on this question's answer; only a "
                    "yes/no or choice question can have follow-ups."
                )
                % {"code": follow_ups[0].code},
            )
        offered = {
            choice["code"]
            for choice in answer_choices(fields["type"], fields["choices"], fields["allow_other"])
        }
        for follow_up in follow_ups:
            missing = [code for code in follow_up.show_if_values if code not in offered]
            if missing:
                codes = ", ".join(missing)
                raise forms.ValidationError(
                    _(
                        "Follow-up %(code)s is shown for %(choices)s, which this question "
                        "would no longer offer; change the follow-up first."
                    )
                    % {"code": follow_up.code, "choices": codes}
                )

    def _refuse(self, field: str, message: str):
        """Show the message beside the field when the form has it, above the form otherwise."""
        raise forms.ValidationError({field: message} if field in self.fields else message)
