"""Package/Plugin Management: the account's packages, one tab per package family, each row with
its status and the refund policy's verdict (its Refund button)."""
