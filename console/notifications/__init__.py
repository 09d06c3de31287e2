"""Reminders, the console's message center, and the mail outbox every e-mail goes through."""
