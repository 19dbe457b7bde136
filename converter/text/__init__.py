"""Text rules shared by the layout and the writers that set lines themselves (titles)."""
