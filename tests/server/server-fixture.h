/* server-fixture.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define DEMO_PEOPLE      50
#define DEMO_SEED        7
/* Generous: the demo fill runs first, and CI may run under sanitizers. */
#define START_TIMEOUT_MS 60000
#define EXIT_TIMEOUT_MS  5000
#define HTTP_TIMEOUT_S   10

#define LISTENING_PREFIX "kith-server: listening on "

/* The user every server test signs in as, made before the server first
 * starts. The password is a test fixture, not a secret. */
#define TEST_USER        "test.admin"
#define TEST_PASSWORD    "test password, not a secret"
#define TEST_USER_ROLE   "gp"
#define TEST_USER_TEAM   "North locality team"

/* In request_full()'s headers: send no Authorization header at all. */
#define NO_AUTHORIZATION "X-Kith-Test-No-Authorization"

typedef struct
{
  char        *data_dir;
  char        *db_path;
  GSubprocess *process;
  char        *log_path;  /* when set, the server logs everything here */
  char        *base_url;  /* "http://127.0.0.1:PORT/fhir" */
  guint16      port;
  SoupSession *session;
  char        *token;     /* TEST_USER's bearer token, sent with every request */
  gboolean     has_user;  /* TEST_USER exists in the data */
  const char * const *extra_args;  /* more kith-server options, when set */
} ServerFixture;

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  JsonObject         *json;   /* the parsed body, when it is JSON */
} Reply;

void         reply_clear          (Reply               *reply);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* Runs the default main context until *@flag is set or @timeout_ms
 * passes. Returns *@flag. */
gboolean     iterate_until        (gboolean            *flag,
                                   guint                timeout_ms);
/* Waits at most @timeout_ms for @process to exit. */
gboolean     wait_for_exit        (GSubprocess         *process,
                                   guint                timeout_ms);
/* With @log_path, the server's stderr goes there with every kith-server
 * message (the access log included) switched on. */
GSubprocess *spawn_server         (const char * const  *args,
                                   GSubprocessFlags     flags,
                                   const char          *log_path);

void         fixture_set_up       (ServerFixture       *fixture,
                                   gconstpointer        user_data);
void         fixture_tear_down    (ServerFixture       *fixture,
                                   gconstpointer        user_data);
/* With DEMO_PEOPLE people. */
void         start_server         (ServerFixture       *fixture);
void         start_server_with    (ServerFixture       *fixture,
                                   guint                demo_people);
/* Sends @signum and checks the server exits 0 within EXIT_TIMEOUT_MS. */
void         stop_server          (ServerFixture       *fixture,
                                   int                  signum);

/* Runs "kith-server ARGS… --data DIR" with @input on standard input and
 * returns its exit status; its output goes to @out and @err when given. */
int          run_admin            (ServerFixture       *fixture,
                                   const char * const  *args,
                                   const char          *input,
                                   char               **out,
                                   char               **err);
/* kith-server user add, which must succeed: in TEST_USER_TEAM, named
 * "Test User". */
void         add_user             (ServerFixture       *fixture,
                                   const char          *username,
                                   const char          *role,
                                   const char          *password);
/* The same with every detail, and --lead when @lead. */
void         add_user_full        (ServerFixture       *fixture,
                                   const char          *username,
                                   const char          *role,
                                   const char          *team,
                                   const char          *name,
                                   gboolean             lead,
                                   const char          *password);
/* POST /auth/token as a form. Returns the token when the server gave one;
 * @reply (optional) holds the answer either way. */
char        *sign_in              (ServerFixture       *fixture,
                                   const char          *username,
                                   const char          *password,
                                   Reply               *reply);

/* Ids of the Patients the demo caseload holds, in generation order. */
GPtrArray   *demo_patient_ids     (guint                people);
/* The team of a demo person (their active CareTeam's managing
 * organization), or NULL when they have none yet. */
char        *demo_patient_team    (guint                people,
                                   const char          *patient_id);
/* The demo people TEST_USER sees in full (TEST_USER_TEAM's, or of no
 * team yet), in generation order. */
GPtrArray   *demo_visible_patient_ids (guint            people);

void         request              (ServerFixture       *fixture,
                                   const char          *method,
                                   const char          *path,
                                   Reply               *reply);
void         request_full         (ServerFixture       *fixture,
                                   const char          *method,
                                   const char          *path,
                                   const char * const  *headers,
                                   const char          *content_type,
                                   const char          *body,
                                   gssize               length,
                                   Reply               *reply);
void         request_json         (ServerFixture       *fixture,
                                   const char          *method,
                                   const char          *path,
                                   const char          *if_match,
                                   JsonObject          *json,
                                   Reply               *reply);

void         assert_fhir_json     (Reply               *reply);
/* The reply is an OperationOutcome with one error issue of @code, whose
 * diagnostics do not echo @secret. */
void         assert_outcome       (Reply               *reply,
                                   guint                status,
                                   const char          *code,
                                   const char          *secret);

guint        raw_exchange         (guint16              port,
                                   const char          *data,
                                   gsize                length,
                                   gboolean             half_close,
                                   guint                timeout_s);
guint        raw_request_status   (guint16              port,
                                   const char          *method,
                                   const char          *target);

/* After a clean stop: no WAL left, and PRAGMA integrity_check is "ok". */
void         assert_store_intact  (ServerFixture       *fixture);

G_END_DECLS
