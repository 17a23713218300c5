"""Forms for editing the questionnaire in the admin with the same rules as questionnaire files."""

from django import forms

from reports.models import Question
from reports.questionnaire_files import QuestionnaireFileError, check_question_definition

CHECKED_FIELDS = [
    "code", "text", "type", "citations", "required", "help", "choices", "allow_other",
    "columns", "min_value", "max_value", "unit", "max_length", "min_rows", "max_rows",
    "multiple", "show_if_values",
]  # fmt: skip


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [*CHECKED_FIELDS, "position", "section", "show_if_question"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or not (cleaned.get("section") or self.instance.section_id):
            return cleaned  # field errors first; they are already shown beside the fields
        section = cleaned.get("section") or self.instance.section
        parent = cleaned.get("show_if_question", self.instance.show_if_question)
        position = cleaned.get("position", self.instance.position)
        if parent is not None:
            if parent.version_id != self.instance.version_id:
                self._refuse(
                    "show_if_question", "The parent must be a question of the same version."
                )
            if parent.position >= position:
                self._refuse("show_if_question", "The parent must come before its follow-up.")
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
        return cleaned

    def _refuse(self, field: str, message: str):
        """Show the message beside the field when the form has it, above the form otherwise."""
        raise forms.ValidationError({field: message} if field in self.fields else message)
