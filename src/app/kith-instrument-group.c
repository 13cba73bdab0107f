/* kith-instrument-group.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One questionnaire within a domain: its title and instructions, a live
 * score ("PHQ-9: 12 · Moderate", "—" until every counted question is
 * answered), where it comes from and under what terms, its questions, and
 * below them what the answers lead to: an offer of the fuller
 * questionnaire after a positive screen, or a calm note such as "likely
 * eligible" that is never a decision.
 */

#define G_LOG_DOMAIN "kith-instrument-group"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-instrument-group.h"
#include "kith-question-row.h"

struct _KithInstrumentGroup
{
  GtkWidget       parent_instance;

  KithAssessment *assessment;
  KithInstrument *instrument;
  GPtrArray      *rows;            /* KithQuestionRow, in order */
  GPtrArray      *offer_buttons;   /* GtkButton */
  char           *notes_key;       /* what the notes box shows now */
  char           *score_text;

  /* Template widgets */
  GtkLabel       *title_label;
  GtkLabel       *instruction_label;
  GtkLabel       *score_label;
  GtkLabel       *about_title_label;
  GtkLabel       *about_description_label;
  GtkLabel       *source_label;
  GtkLabel       *licence_label;
  GtkLabel       *terms_label;
  GtkBox         *rows_box;
  GtkBox         *notes_box;
};

G_DEFINE_FINAL_TYPE (KithInstrumentGroup, kith_instrument_group, GTK_TYPE_WIDGET)

static const char *
describe_licence (const char *licence)
{
  if (g_strcmp0 (licence, "free-to-use") == 0)
    return _("Published and free to use: no permission is needed.");
  if (g_strcmp0 (licence, "ogl-3.0") == 0)
    return _("Crown copyright, used under the Open Government Licence v3.0.");
  if (g_strcmp0 (licence, "kith") == 0)
    return _("Written for Kith in plain English; free to reuse (GPL-3.0-or-later).");
  if (g_strcmp0 (licence, "measured-elsewhere") == 0)
    return _("Only the score is recorded here; the questionnaire itself is not included.");

  return _("The terms are not known.");
}

static void
append_separator (KithInstrumentGroup *self)
{
  if (gtk_widget_get_first_child (GTK_WIDGET (self->rows_box)) != NULL)
    gtk_box_append (self->rows_box, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
}

static void
build_rows (KithInstrumentGroup *self)
{
  guint n_items = kith_instrument_get_n_items (self->instrument);

  for (guint i = 0; i < n_items; i++)
    {
      const KithInstrumentItem *item = kith_instrument_get_item (self->instrument, i);
      GtkWidget *widget;

      if (item->type == KITH_ITEM_GROUP || item->type == KITH_ITEM_DISPLAY)
        {
          if (item->text == NULL || *item->text == '\0')
            continue;

          /* The first group's text is the instruction for the whole
           * questionnaire ("Over the last 2 weeks…"): above the questions. */
          if (i == 0 && item->type == KITH_ITEM_GROUP)
            {
              gtk_label_set_text (self->instruction_label, item->text);
              gtk_widget_set_visible (GTK_WIDGET (self->instruction_label), TRUE);
              continue;
            }

          append_separator (self);
          widget = g_object_new (GTK_TYPE_LABEL,
                                 "label", item->text,
                                 "xalign", 0.0f,
                                 "wrap", TRUE,
                                 "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                 "margin-top", 12,
                                 "margin-bottom", 6,
                                 "margin-start", 12,
                                 "margin-end", 12,
                                 NULL);
          if (item->type == KITH_ITEM_GROUP)
            gtk_widget_add_css_class (widget, "heading");
          gtk_box_append (self->rows_box, widget);
          continue;
        }

      append_separator (self);
      widget = kith_question_row_new (self->assessment, self->instrument, item);
      gtk_box_append (self->rows_box, widget);
      g_ptr_array_add (self->rows, widget);
    }
}

static void
update_score (KithInstrumentGroup *self)
{
  g_autoptr(GPtrArray) scores = kith_assessment_score (self->assessment,
                                                       kith_instrument_get_id (self->instrument));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) tooltip = g_string_new (NULL);

  for (guint i = 0; i < scores->len; i++)
    {
      KithScore *score = scores->pdata[i];
      g_autofree char *shown = kith_format_score (self->instrument, score, ": ");

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, shown);

      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      if (!score->has_value)
        /* Translators: a score chip's tooltip while questions are left */
        g_string_append_printf (tooltip, _("%s: shown once every question is answered"), score->title);
      else if (score->max >= 0)
        /* Translators: a score chip's tooltip, "PHQ-9 score: 12 out of 27" */
        g_string_append_printf (tooltip, _("%s: %g out of %d"), score->title, score->value, score->max);
      else
        g_string_append_printf (tooltip, "%s: %g", score->title, score->value);
    }

  g_free (self->score_text);
  self->score_text = text->len > 0 ? g_strdup (text->str) : NULL;

  gtk_label_set_text (self->score_label, text->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->score_label), tooltip->str);
  gtk_widget_set_visible (GTK_WIDGET (self->score_label), text->len > 0);
}

static GtkWidget *
make_indication_note (KithFinding *finding)
{
  GtkWidget *box = g_object_new (GTK_TYPE_BOX, "spacing", 12, NULL);
  GtkWidget *texts = g_object_new (GTK_TYPE_BOX,
                                   "orientation", GTK_ORIENTATION_VERTICAL,
                                   "spacing", 4,
                                   "hexpand", TRUE,
                                   NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  GtkWidget *label;

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note"),
                                  -1);
  gtk_box_append (GTK_BOX (box), icon);

  label = g_object_new (GTK_TYPE_LABEL, "label", finding->title, "xalign", 0.0f,
                        "wrap", TRUE, "wrap-mode", PANGO_WRAP_WORD_CHAR, NULL);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (texts), label);

  if (finding->why != NULL)
    {
      label = g_object_new (GTK_TYPE_LABEL, "label", finding->why, "xalign", 0.0f,
                            "wrap", TRUE, "wrap-mode", PANGO_WRAP_WORD_CHAR, NULL);
      gtk_box_append (GTK_BOX (texts), label);
    }

  label = g_object_new (GTK_TYPE_LABEL,
                        "label", _("This is a prompt to talk about, not a decision."),
                        "xalign", 0.0f, "wrap", TRUE, NULL);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (texts), label);

  gtk_box_append (GTK_BOX (box), texts);
  gtk_widget_add_css_class (box, "kith-note");
  return box;
}

static GtkWidget *
make_offer (KithInstrumentGroup *self,
            KithFinding         *finding)
{
  KithInstrument *offered = kith_instrument_library_lookup (kith_instrument_library_get_default (),
                                                            finding->offer_instrument);
  GtkWidget *box = g_object_new (GTK_TYPE_BOX, "spacing", 12, NULL);
  GtkWidget *label;
  GtkWidget *button;
  g_autofree char *button_label = NULL;

  label = g_object_new (GTK_TYPE_LABEL, "label", finding->title, "xalign", 0.0f,
                        "wrap", TRUE, "wrap-mode", PANGO_WRAP_WORD_CHAR, "hexpand", TRUE, NULL);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  /* Translators: a button after a positive screen, "Ask the full PHQ-9" */
  button_label = g_strdup_printf (_("Ask the full %s"),
                                  offered != NULL ? kith_instrument_get_title (offered)
                                                  : finding->offer_instrument);
  button = gtk_button_new_with_label (button_label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "assessment.include");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", finding->offer_instrument);
  gtk_box_append (GTK_BOX (box), button);
  g_ptr_array_add (self->offer_buttons, button);

  gtk_widget_add_css_class (box, "kith-offer");
  return box;
}

static gboolean
is_shown_here (KithInstrumentGroup *self,
               KithFinding         *finding)
{
  if (g_strcmp0 (finding->instrument_id, kith_instrument_get_id (self->instrument)) != 0)
    return FALSE;

  switch (finding->kind)
    {
    case KITH_FINDING_OFFER:
      /* Once the fuller questionnaire is in, the offer has been taken up. */
      return finding->offer_instrument != NULL &&
             !kith_assessment_includes (self->assessment, finding->offer_instrument);

    case KITH_FINDING_INDICATION:
      return TRUE;

    case KITH_FINDING_ALERT:   /* shown at the top of the view, for everyone */
    case KITH_FINDING_NEED:    /* decided on in the summary */
    default:
      return FALSE;
    }
}

static void
update_notes (KithInstrumentGroup *self,
              GPtrArray           *findings)
{
  g_autoptr(GString) key = g_string_new (NULL);
  GtkWidget *child;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    if (is_shown_here (self, findings->pdata[i]))
      g_string_append_printf (key, "%d/%s/%s\n", ((KithFinding *) findings->pdata[i])->kind,
                              ((KithFinding *) findings->pdata[i])->name,
                              ((KithFinding *) findings->pdata[i])->why);

  /* Rebuilt only when it changes: the keyboard may be on the offer. */
  if (g_strcmp0 (self->notes_key, key->str) == 0)
    return;
  g_free (self->notes_key);
  self->notes_key = g_strdup (key->str);

  g_ptr_array_set_size (self->offer_buttons, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->notes_box))) != NULL)
    gtk_box_remove (self->notes_box, child);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];

      if (!is_shown_here (self, finding))
        continue;
      if (finding->kind == KITH_FINDING_OFFER)
        gtk_box_append (self->notes_box, make_offer (self, finding));
      else
        gtk_box_append (self->notes_box, make_indication_note (finding));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->notes_box), key->len > 0);
}

static void
kith_instrument_group_dispose (GObject *object)
{
  KithInstrumentGroup *self = KITH_INSTRUMENT_GROUP (object);
  GtkWidget *child;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->offer_buttons, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_INSTRUMENT_GROUP);
  /* The template's outer box has no id, so the template does not know it */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_instrument_group_parent_class)->dispose (object);
}

static void
kith_instrument_group_finalize (GObject *object)
{
  KithInstrumentGroup *self = KITH_INSTRUMENT_GROUP (object);

  g_clear_object (&self->assessment);
  g_clear_object (&self->instrument);
  g_clear_pointer (&self->notes_key, g_free);
  g_clear_pointer (&self->score_text, g_free);

  G_OBJECT_CLASS (kith_instrument_group_parent_class)->finalize (object);
}

static void
kith_instrument_group_class_init (KithInstrumentGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_instrument_group_dispose;
  object_class->finalize = kith_instrument_group_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-instrument-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, title_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, instruction_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, score_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, about_title_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, about_description_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, source_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, licence_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, terms_label);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, rows_box);
  gtk_widget_class_bind_template_child (widget_class, KithInstrumentGroup, notes_box);
}

static void
kith_instrument_group_init (KithInstrumentGroup *self)
{
  self->rows = g_ptr_array_new ();
  self->offer_buttons = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_instrument_group_new (KithAssessment *assessment,
                           KithInstrument *instrument)
{
  KithInstrumentGroup *self;
  const char *terms;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (assessment), NULL);
  g_return_val_if_fail (KITH_IS_INSTRUMENT (instrument), NULL);

  self = g_object_new (KITH_TYPE_INSTRUMENT_GROUP, NULL);
  self->assessment = g_object_ref (assessment);
  self->instrument = g_object_ref (instrument);

  gtk_label_set_text (self->title_label, kith_instrument_get_title (instrument));
  gtk_label_set_text (self->about_title_label, kith_instrument_get_title (instrument));
  gtk_label_set_text (self->about_description_label,
                      kith_instrument_get_description (instrument) != NULL
                      ? kith_instrument_get_description (instrument) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->about_description_label),
                          kith_instrument_get_description (instrument) != NULL);
  gtk_label_set_text (self->source_label, kith_instrument_get_source (instrument) != NULL
                                          ? kith_instrument_get_source (instrument) : "");
  gtk_label_set_text (self->licence_label, describe_licence (kith_instrument_get_licence (instrument)));
  terms = kith_instrument_get_terms (instrument);
  gtk_label_set_text (self->terms_label, terms != NULL ? terms : "");
  gtk_widget_set_visible (GTK_WIDGET (self->terms_label), terms != NULL);

  build_rows (self);
  kith_instrument_group_refresh (self, NULL);

  return GTK_WIDGET (self);
}

KithInstrument *
kith_instrument_group_get_instrument (KithInstrumentGroup *self)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT_GROUP (self), NULL);

  return self->instrument;
}

void
kith_instrument_group_refresh (KithInstrumentGroup *self,
                               GPtrArray           *findings)
{
  g_return_if_fail (KITH_IS_INSTRUMENT_GROUP (self));

  for (guint i = 0; i < self->rows->len; i++)
    kith_question_row_sync (self->rows->pdata[i]);

  update_score (self);
  update_notes (self, findings);
}

void
kith_instrument_group_collect_stops (KithInstrumentGroup *self,
                                     GPtrArray           *stops)
{
  g_return_if_fail (KITH_IS_INSTRUMENT_GROUP (self));

  for (guint i = 0; i < self->rows->len; i++)
    g_ptr_array_add (stops, self->rows->pdata[i]);
  for (guint i = 0; i < self->offer_buttons->len; i++)
    g_ptr_array_add (stops, self->offer_buttons->pdata[i]);
}

void
kith_instrument_group_flush (KithInstrumentGroup *self)
{
  g_return_if_fail (KITH_IS_INSTRUMENT_GROUP (self));

  for (guint i = 0; i < self->rows->len; i++)
    kith_question_row_flush (self->rows->pdata[i]);
}

const char *
kith_instrument_group_get_score_text (KithInstrumentGroup *self)
{
  g_return_val_if_fail (KITH_IS_INSTRUMENT_GROUP (self), NULL);

  return self->score_text;
}
