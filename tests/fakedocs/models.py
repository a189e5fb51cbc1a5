"""A test letter with lines, signed by the user it names; effects are recorded in another table."""

from django.conf import settings
from django.db import models


class FakeLetter(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    ready = models.BooleanField(default=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField("documents.SignedDocument", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")


class FakeLetterLine(models.Model):
    letter = models.ForeignKey(FakeLetter, on_delete=models.CASCADE, related_name="lines")
    text = models.CharField(max_length=200)


class FakeEffect(models.Model):
    """What the kind's effect saw: the document code, and whether the letter was already frozen."""

    letter = models.ForeignKey(FakeLetter, on_delete=models.CASCADE, related_name="effects")
    code = models.CharField(max_length=20)
    letter_was_frozen = models.BooleanField()
