"""The benchmark: a generated blog under gunicorn, loaded with wrk, against a bare Flask app."""
