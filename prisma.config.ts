// Prisma CLI configuration (Prisma 7): where the schema and migrations are, and the database for
// `prisma migrate deploy`. Generating the client needs no database, so DATABASE_URL is optional here.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test' },
});
