-- The forum's PostgreSQL database and its two roles. Run it once, as a superuser:
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 \
--       -v owner_password="$OWNER_PASSWORD" -v app_password="$APP_PASSWORD" \
--       -f deploy/postgresql.sql
--
-- * bbs_owner owns the database and its schema: it runs the migrations
--   (`flagon --app bbs db upgrade`) and nothing else.
-- * bbs_app is what the running forum connects as: it may read and write rows
--   (SELECT, INSERT, UPDATE, DELETE) and draw ids from sequences, but not create,
--   alter, drop or truncate anything. A bug or an injection in the app cannot
--   change the schema.
--
-- Other names: add -v database=forum -v owner=forum_owner -v app=forum_app.
-- Running it again fails at CREATE ROLE, changing nothing (ON_ERROR_STOP).

\if :{?database}
\else
\set database bbs
\endif
\if :{?owner}
\else
\set owner bbs_owner
\endif
\if :{?app}
\else
\set app bbs_app
\endif
\if :{?owner_password}
\else
\warn 'Set the passwords: psql -v owner_password=... -v app_password=... -f deploy/postgresql.sql'
\quit
\endif
\if :{?app_password}
\else
\warn 'Set the passwords: psql -v owner_password=... -v app_password=... -f deploy/postgresql.sql'
\quit
\endif

CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';

CREATE DATABASE :"database" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
-- Only the two roles may connect, and nobody else gets temporary tables.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"app";

\connect :"database"

-- The owner role owns the schema the migrations fill; nobody else may create in it
-- (PostgreSQL 15 already withholds CREATE from PUBLIC; older versions granted it).
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Rights on the tables and sequences that already exist (when run after the migrations)…
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- …and on every table and sequence the owner creates from now on (each migration).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
