"""The agenda screen's parts: its models, the plan and outcome dialogs, the suggestions panel."""
