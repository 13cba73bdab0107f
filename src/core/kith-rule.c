/* kith-rule.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-rule"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-rule.h"

typedef enum
{
  RULE_OR,
  RULE_AND,
  RULE_NOT,
  RULE_COMPARE,
  RULE_ANSWERED,
} RuleKind;

typedef enum
{
  OP_GE, OP_GT, OP_LE, OP_LT, OP_EQ, OP_NE,
} RuleOp;

struct _KithRule
{
  RuleKind  kind;
  KithRule *left;
  KithRule *right;
  /* Operand: an instrument's score, or one of its items. */
  char     *instrument;
  char     *score;
  char     *link_id;
  RuleOp    op;
  gboolean  literal_is_number;
  double    number;
  char     *code;
};

typedef struct
{
  const char *text;
  const char *p;
  GError    **error;
} Parser;

void
kith_rule_free (KithRule *rule)
{
  if (rule == NULL)
    return;
  kith_rule_free (rule->left);
  kith_rule_free (rule->right);
  g_free (rule->instrument);
  g_free (rule->score);
  g_free (rule->link_id);
  g_free (rule->code);
  g_free (rule);
}

static void
skip_space (Parser *parser)
{
  while (g_ascii_isspace (*parser->p))
    parser->p++;
}

static gboolean
fail (Parser     *parser,
      const char *what)
{
  if (parser->error && *parser->error == NULL)
    g_set_error (parser->error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_RULE,
                 _("Rule “%s”: %s at position %d"), parser->text, what,
                 (int) (parser->p - parser->text) + 1);
  return FALSE;
}

/* A keyword must stand alone: "or" but not "order". */
static gboolean
accept_word (Parser     *parser,
             const char *word)
{
  gsize len = strlen (word);

  skip_space (parser);
  if (g_ascii_strncasecmp (parser->p, word, len) == 0 &&
      !g_ascii_isalnum (parser->p[len]) && parser->p[len] != '-' && parser->p[len] != '_')
    {
      parser->p += len;
      return TRUE;
    }
  return FALSE;
}

static gboolean
accept_char (Parser *parser,
             char    c)
{
  skip_space (parser);
  if (*parser->p == c)
    {
      parser->p++;
      return TRUE;
    }
  return FALSE;
}

static char *
read_name (Parser *parser)
{
  const char *start;

  skip_space (parser);
  start = parser->p;
  while (g_ascii_isalnum (*parser->p) || *parser->p == '-' || *parser->p == '_' || *parser->p == '.')
    parser->p++;
  if (parser->p == start)
    return NULL;
  return g_strndup (start, parser->p - start);
}

/* INSTRUMENT "." SCORE | INSTRUMENT ":" LINKID. Instrument ids have no dots,
 * so the first dot splits a score reference. */
static gboolean
parse_operand (Parser   *parser,
               KithRule *rule)
{
  g_autofree char *name = NULL;
  const char *start;
  char *dot;

  skip_space (parser);
  start = parser->p;
  while (g_ascii_isalnum (*parser->p) || *parser->p == '-' || *parser->p == '_' || *parser->p == '.')
    parser->p++;
  name = g_strndup (start, parser->p - start);

  if (*parser->p == ':')
    {
      parser->p++;
      rule->instrument = g_steal_pointer (&name);
      rule->link_id = read_name (parser);
      if (*rule->instrument == '\0' || rule->link_id == NULL)
        return fail (parser, _("expected instrument:item"));
      return TRUE;
    }
  if (name == NULL || (dot = strchr (name, '.')) == NULL || dot == name || dot[1] == '\0')
    return fail (parser, _("expected instrument.score or instrument:item"));
  rule->instrument = g_strndup (name, dot - name);
  rule->score = g_strdup (dot + 1);
  return TRUE;
}

static gboolean
parse_op (Parser   *parser,
          KithRule *rule)
{
  static const struct { const char *text; RuleOp op; } ops[] = {
    { ">=", OP_GE }, { "<=", OP_LE }, { "!=", OP_NE }, { ">", OP_GT }, { "<", OP_LT }, { "=", OP_EQ },
  };

  skip_space (parser);
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_str_has_prefix (parser->p, ops[i].text))
      {
        parser->p += strlen (ops[i].text);
        rule->op = ops[i].op;
        return TRUE;
      }
  return fail (parser, _("expected a comparison (>=, >, <=, <, =, !=)"));
}

static gboolean
parse_literal (Parser   *parser,
               KithRule *rule)
{
  skip_space (parser);
  if (*parser->p == '\'')
    {
      const char *start = ++parser->p;

      while (*parser->p && *parser->p != '\'')
        parser->p++;
      if (*parser->p != '\'')
        return fail (parser, _("unterminated quoted code"));
      rule->code = g_strndup (start, parser->p - start);
      parser->p++;
      return TRUE;
    }
  {
    char *end = NULL;
    double value = g_ascii_strtod (parser->p, &end);

    if (end == parser->p)
      return fail (parser, _("expected a number or a quoted code"));
    parser->p = end;
    rule->literal_is_number = TRUE;
    rule->number = value;
    return TRUE;
  }
}

static KithRule *parse_or (Parser *parser);

static KithRule *
parse_term (Parser *parser)
{
  g_autoptr(KithRule) rule = g_new0 (KithRule, 1);

  if (accept_word (parser, "not"))
    {
      rule->kind = RULE_NOT;
      if (!(rule->left = parse_term (parser)))
        return NULL;
      return g_steal_pointer (&rule);
    }
  if (accept_char (parser, '('))
    {
      KithRule *inner = parse_or (parser);

      if (inner == NULL)
        return NULL;
      if (!accept_char (parser, ')'))
        {
          kith_rule_free (inner);
          fail (parser, _("expected “)”"));
          return NULL;
        }
      return inner;
    }
  if (accept_word (parser, "answered"))
    {
      rule->kind = RULE_ANSWERED;
      if (!accept_char (parser, '(') || !parse_operand (parser, rule) || !accept_char (parser, ')'))
        {
          fail (parser, _("expected answered(instrument:item)"));
          return NULL;
        }
      if (rule->link_id == NULL)
        {
          fail (parser, _("answered() takes an item, not a score"));
          return NULL;
        }
      return g_steal_pointer (&rule);
    }

  rule->kind = RULE_COMPARE;
  if (!parse_operand (parser, rule) || !parse_op (parser, rule) || !parse_literal (parser, rule))
    return NULL;
  return g_steal_pointer (&rule);
}

static KithRule *
parse_and (Parser *parser)
{
  KithRule *left = parse_term (parser);

  while (left != NULL && accept_word (parser, "and"))
    {
      KithRule *node = g_new0 (KithRule, 1);

      node->kind = RULE_AND;
      node->left = left;
      if (!(node->right = parse_term (parser)))
        {
          kith_rule_free (node);
          return NULL;
        }
      left = node;
    }
  return left;
}

static KithRule *
parse_or (Parser *parser)
{
  KithRule *left = parse_and (parser);

  while (left != NULL && accept_word (parser, "or"))
    {
      KithRule *node = g_new0 (KithRule, 1);

      node->kind = RULE_OR;
      node->left = left;
      if (!(node->right = parse_and (parser)))
        {
          kith_rule_free (node);
          return NULL;
        }
      left = node;
    }
  return left;
}

KithRule *
kith_rule_parse (const char  *text,
                 GError     **error)
{
  Parser parser = { text ? text : "", text ? text : "", error };
  KithRule *rule;

  rule = parse_or (&parser);
  if (rule == NULL)
    {
      fail (&parser, _("cannot be read"));
      return NULL;
    }
  skip_space (&parser);
  if (*parser.p != '\0')
    {
      kith_rule_free (rule);
      fail (&parser, _("unexpected text"));
      return NULL;
    }
  return rule;
}

static gboolean
compare_numbers (double a,
                 RuleOp op,
                 double b)
{
  switch (op)
    {
    case OP_GE: return a >= b;
    case OP_GT: return a > b;
    case OP_LE: return a <= b;
    case OP_LT: return a < b;
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    default: return FALSE;
    }
}

static void
append_fact (GString    *why,
             const char *fact)
{
  if (why == NULL)
    return;
  if (why->len > 0)
    g_string_append (why, "; ");
  g_string_append (why, fact);
}

static char *
format_number (double value)
{
  if (value == (gint64) value)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
  return g_strdup_printf ("%.1f", value);
}

static gboolean
evaluate_score (const KithRule *rule,
                KithAnswerSet  *answers,
                GString        *why)
{
  g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);

  for (guint i = 0; i < scores->len; i++)
    {
      KithScore *score = scores->pdata[i];

      if (g_strcmp0 (score->name, rule->score) != 0)
        continue;
      if (!score->has_value || !rule->literal_is_number ||
          !compare_numbers (score->value, rule->op, rule->number))
        return FALSE;
      {
        g_autofree char *value = format_number (score->value);
        g_autofree char *fact = score->band_title
          ? g_strdup_printf (_("%s is %s (%s)"), score->title, value, score->band_title)
          : g_strdup_printf (_("%s is %s"), score->title, value);
        append_fact (why, fact);
      }
      return TRUE;
    }
  return FALSE;
}

static gboolean
evaluate_item (const KithRule *rule,
               KithAnswerSet  *answers,
               GString        *why)
{
  KithInstrument *instrument = kith_answer_set_get_instrument (answers);
  const KithInstrumentItem *item = kith_instrument_lookup_item (instrument, rule->link_id);
  const KithAnswer *answer = kith_answer_set_lookup (answers, rule->link_id);
  g_autofree char *shown = NULL;
  gboolean holds = FALSE;

  if (item == NULL || answer == NULL)
    return FALSE;

  switch (answer->kind)
    {
    case KITH_ANSWER_CODE:
      {
        const KithAnswerOption *option = kith_instrument_item_lookup_option (item, answer->code);

        if (rule->literal_is_number)
          holds = option && option->has_ordinal && compare_numbers (option->ordinal, rule->op, rule->number);
        else if (rule->op == OP_EQ || rule->op == OP_NE)
          holds = (g_strcmp0 (answer->code, rule->code) == 0) == (rule->op == OP_EQ);
        shown = g_strdup (option && option->display ? option->display : answer->code);
      }
      break;
    case KITH_ANSWER_INTEGER:
      if (rule->literal_is_number)
        holds = compare_numbers (answer->integer, rule->op, rule->number);
      shown = g_strdup_printf ("%d", answer->integer);
      break;
    case KITH_ANSWER_BOOLEAN:
      if (!rule->literal_is_number && (rule->op == OP_EQ || rule->op == OP_NE))
        holds = (g_strcmp0 (answer->integer ? "true" : "false", rule->code) == 0) == (rule->op == OP_EQ);
      shown = g_strdup (answer->integer ? _("yes") : _("no"));
      break;
    case KITH_ANSWER_TEXT:
      if (!rule->literal_is_number && (rule->op == OP_EQ || rule->op == OP_NE))
        holds = (g_strcmp0 (answer->text, rule->code) == 0) == (rule->op == OP_EQ);
      shown = g_strdup (answer->text);
      break;
    case KITH_ANSWER_NONE:
    case KITH_ANSWER_DECLINED:
    case KITH_ANSWER_NOT_ASSESSED:
    default:
      return FALSE;
    }

  if (holds)
    {
      g_autofree char *fact = g_strdup_printf ("%s%s%s: %s",
                                               item->prefix ? item->prefix : "",
                                               item->prefix ? " " : "",
                                               item->text ? item->text : item->link_id,
                                               shown);
      append_fact (why, fact);
    }
  return holds;
}

gboolean
kith_rule_evaluate (const KithRule *rule,
                    KithRuleLookup  lookup,
                    gpointer        user_data,
                    GString        *why)
{
  KithAnswerSet *answers;

  switch (rule->kind)
    {
    case RULE_OR:
      /* Explain only the branch that held. */
      return kith_rule_evaluate (rule->left, lookup, user_data, why) ||
             kith_rule_evaluate (rule->right, lookup, user_data, why);

    case RULE_AND:
      {
        gsize mark = why ? why->len : 0;

        if (kith_rule_evaluate (rule->left, lookup, user_data, why) &&
            kith_rule_evaluate (rule->right, lookup, user_data, why))
          return TRUE;
        if (why)
          g_string_truncate (why, mark);
        return FALSE;
      }

    case RULE_NOT:
      return !kith_rule_evaluate (rule->left, lookup, user_data, NULL);

    case RULE_ANSWERED:
      {
        const KithAnswer *answer;

        answers = lookup (rule->instrument, user_data);
        answer = answers ? kith_answer_set_lookup (answers, rule->link_id) : NULL;
        return answer != NULL && answer->kind != KITH_ANSWER_NONE &&
               answer->kind != KITH_ANSWER_DECLINED && answer->kind != KITH_ANSWER_NOT_ASSESSED;
      }

    case RULE_COMPARE:
      answers = lookup (rule->instrument, user_data);
      if (answers == NULL)
        return FALSE;
      return rule->score ? evaluate_score (rule, answers, why) : evaluate_item (rule, answers, why);

    default:
      g_assert_not_reached ();
    }
}

void
kith_rule_collect_instruments (const KithRule *rule,
                               GHashTable     *set)
{
  if (rule == NULL)
    return;
  if (rule->instrument)
    g_hash_table_add (set, rule->instrument);
  kith_rule_collect_instruments (rule->left, set);
  kith_rule_collect_instruments (rule->right, set);
}
