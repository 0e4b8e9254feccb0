"""Which view serves which URL: route tables, the widget's history and the built-in views.

Above the views (a route names a LiveView class) and below the core, whose navigator
moves between them.
"""
