"""Files quartify writes into a migrated project as they are (never imported by quartify itself:
importing `quart_flask_compat` patches the running interpreter)."""
