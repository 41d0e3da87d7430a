"""The Gradio web UI: one module per tab (``ask``, ``decisions``, ``documents``), the shared
state (``state``), HTML from Jinja2 templates (``templates/``) and CSS/JS as static files
(``static/``). ``app.build_app`` composes the tabs; ``app.serve`` runs them.
"""
