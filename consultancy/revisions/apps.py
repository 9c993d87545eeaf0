from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    """
    Installed after the apps that register kinds of content, so that its
    ready() sees them all in the registry.
    """

    name = "consultancy.revisions"
    label = "revisions"
    verbose_name = "Revisions"

    def ready(self):
        import reversion
        from django.core import serializers

        from consultancy import content_types
        from consultancy.revisions import recording, serializer

        serializers.register_serializer(serializer.FORMAT, serializer.__name__)
        for kind in content_types.kinds():
            if not reversion.is_registered(kind.model):
                reversion.register(kind.model, format=serializer.FORMAT)
        # Saves outside a revision block (the shell, commands) keep one too.
        recording.connect([kind.model for kind in content_types.kinds()])
