from django.db import migrations


def seed(apps, schema_editor):
    from moderation.wordlist import seed_words

    BlockedWord = apps.get_model("moderation", "BlockedWord")
    for word in seed_words():
        BlockedWord.objects.get_or_create(word=word)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
