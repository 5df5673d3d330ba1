FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY vocsvc ./vocsvc
COPY surveys ./surveys
COPY models ./models
RUN pip install --no-cache-dir .
USER nobody
EXPOSE 8000
CMD ["vocsvc", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
