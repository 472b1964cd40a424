"""The blog as a WSGI app: ``flask --app app run``, or ``gunicorn app:app``."""

from hlsblog import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
