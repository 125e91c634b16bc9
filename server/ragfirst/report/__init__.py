"""`ragfirst report`: one page (HTML or Markdown) that shows where a project stands on the
guide's decision ladder, computed from the same lint run as `ragfirst check`."""
