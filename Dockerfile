# The dashboard's chart library, pinned by package-lock.json, copied into the package as make does.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && mkdir -p vendor \
    && cp node_modules/echarts/dist/echarts.min.js vendor/ \
    && cp node_modules/echarts/LICENSE vendor/echarts.LICENSE.txt

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY vocsvc ./vocsvc
COPY --from=assets /assets/vendor ./vocsvc/web/static/vendor
COPY surveys ./surveys
COPY models ./models
RUN pip install --no-cache-dir .
USER nobody
EXPOSE 8000
CMD ["vocsvc", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
