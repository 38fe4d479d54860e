# The web, worker and beat image (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/kai
COPY pyproject.toml requirements.lock README.md ./
COPY kai_site kai_site
COPY leaderboard leaderboard
COPY evaluations evaluations
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "kai_site.wsgi"]
