/* kith-conflict-card.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both versions of each difference side by side, in words: "Your version"
 * and "Practice server's version". Keep Mine or Keep Theirs decides all
 * of it at once; choosing a side of every difference and Use My Choices
 * decides field by field. Nothing is dropped without one of these.
 */

#define G_LOG_DOMAIN "kith-conflict-card"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-conflict-card.h"
#include "kith-conflict-fields.h"

struct _KithConflictCard
{
  GtkWidget         parent_instance;

  KithSyncConflict *conflict;
  GPtrArray        *mine_checks;    /* GtkCheckButton, one per path */
  GPtrArray        *theirs_checks;
  gboolean          per_field;      /* every difference can be taken on its own */

  /* Template widgets */
  GtkLabel         *title_label;
  GtkLabel         *subtitle_label;
  GtkBox           *fields_box;
  GtkLabel         *problem_label;
  GtkButton        *keep_mine_button;
  GtkButton        *keep_theirs_button;
  GtkButton        *use_choices_button;
};

G_DEFINE_FINAL_TYPE (KithConflictCard, kith_conflict_card, GTK_TYPE_WIDGET)

enum {
  DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_use_choices (KithConflictCard *self)
{
  gboolean all_chosen = self->per_field && self->mine_checks->len > 0;

  for (guint i = 0; i < self->mine_checks->len && all_chosen; i++)
    all_chosen = gtk_check_button_get_active (self->mine_checks->pdata[i]) ||
                 gtk_check_button_get_active (self->theirs_checks->pdata[i]);

  gtk_widget_set_sensitive (GTK_WIDGET (self->use_choices_button), all_chosen);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->use_choices_button),
                               all_chosen ? _("Keep the version you chose of each difference")
                                          : _("Choose a version of each difference first"));
}

/* "Your version" over the value: the choice says whose it is in words */
static GtkWidget *
make_choice (const char *whose,
             const char *value,
             GtkWidget  *group)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *whose_label = gtk_label_new (whose);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (whose_label), 0);
  gtk_widget_add_css_class (whose_label, "caption-heading");
  gtk_widget_add_css_class (whose_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (box), whose_label);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), box);
  gtk_widget_set_valign (check, GTK_ALIGN_START);
  gtk_widget_add_css_class (check, "conflict-choice");
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (group));
  return check;
}

static void
add_field (KithConflictCard *self,
           const char       *path)
{
  KithSyncConflict *conflict = self->conflict;
  gboolean deletion = kith_conflict_fields_is_deletion (path);
  g_autofree char *field = kith_conflict_fields_describe_path (conflict->local != NULL ? conflict->local
                                                                                      : conflict->remote,
                                                               path);
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  GtkWidget *block = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *field_label = gtk_label_new (field);
  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *mine_check;
  GtkWidget *theirs_check;

  if (deletion)
    {
      mine = g_strdup (_("Kept, with your changes"));
      theirs = g_strdup (_("Deleted"));
    }
  else
    {
      mine = kith_conflict_fields_describe_value (kith_conflict_fields_lookup (conflict->local, path));
      theirs = kith_conflict_fields_describe_value (kith_conflict_fields_lookup (conflict->remote, path));
    }

  gtk_label_set_xalign (GTK_LABEL (field_label), 0);
  gtk_label_set_wrap (GTK_LABEL (field_label), TRUE);
  gtk_widget_add_css_class (field_label, "heading");
  gtk_box_append (GTK_BOX (block), field_label);

  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  mine_check = make_choice (_("Your version"), mine, NULL);
  theirs_check = make_choice (_("Practice server’s version"), theirs, mine_check);
  gtk_box_append (GTK_BOX (sides), mine_check);
  gtk_box_append (GTK_BOX (sides), theirs_check);
  gtk_box_append (GTK_BOX (block), sides);
  gtk_box_append (self->fields_box, block);

  /* The field's name goes with each choice for screen readers */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (mine_check),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, field_label, NULL, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (theirs_check),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, field_label, NULL, -1);

  g_signal_connect_swapped (mine_check, "toggled", G_CALLBACK (update_use_choices), self);
  g_signal_connect_swapped (theirs_check, "toggled", G_CALLBACK (update_use_choices), self);
  g_ptr_array_add (self->mine_checks, mine_check);
  g_ptr_array_add (self->theirs_checks, theirs_check);
}

static void
decide (KithConflictCard *self,
        JsonObject       *resolved)
{
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  g_signal_emit (self, signals[DECIDED], 0, resolved);
}

static void
on_keep_mine_clicked_cb (KithConflictCard *self)
{
  decide (self, self->conflict->local);
}

static void
on_keep_theirs_clicked_cb (KithConflictCard *self)
{
  decide (self, self->conflict->remote);
}

static void
on_use_choices_clicked_cb (KithConflictCard *self)
{
  g_autofree gboolean *keep_mine = g_new0 (gboolean, self->mine_checks->len + 1);
  g_autoptr(JsonObject) resolved = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->mine_checks->len; i++)
    keep_mine[i] = gtk_check_button_get_active (self->mine_checks->pdata[i]);

  if (!(resolved = kith_conflict_fields_build_resolution (self->conflict, keep_mine, &error)))
    {
      kith_conflict_card_show_problem (self, error->message);
      return;
    }
  decide (self, resolved);
}

static void
kith_conflict_card_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_CONFLICT_CARD);
  /* The template's outer box has no id, so the template does not know it */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_conflict_card_parent_class)->dispose (object);
}

static void
kith_conflict_card_finalize (GObject *object)
{
  KithConflictCard *self = KITH_CONFLICT_CARD (object);

  g_clear_pointer (&self->conflict, kith_sync_conflict_free);
  g_clear_pointer (&self->mine_checks, g_ptr_array_unref);
  g_clear_pointer (&self->theirs_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_conflict_card_parent_class)->finalize (object);
}

static void
kith_conflict_card_class_init (KithConflictCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_conflict_card_dispose;
  object_class->finalize = kith_conflict_card_finalize;

  /**
   * KithConflictCard::decided:
   * @resolved: the version to keep
   *
   * Someone decided; record @resolved with kith_sync_resolve_conflict().
   */
  signals[DECIDED] =
    g_signal_new ("decided",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-conflict-card.ui");
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, fields_box);
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, problem_label);
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, keep_mine_button);
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, keep_theirs_button);
  gtk_widget_class_bind_template_child (widget_class, KithConflictCard, use_choices_button);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_mine_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_theirs_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_use_choices_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kith_conflict_card_init (KithConflictCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->mine_checks = g_ptr_array_new ();
  self->theirs_checks = g_ptr_array_new ();
}

KithConflictCard *
kith_conflict_card_new (KithSyncConflict *conflict,
                        const char       *person_name)
{
  KithConflictCard *self;
  g_autofree char *title = NULL;
  const char *what;

  g_return_val_if_fail (conflict != NULL, NULL);

  self = g_object_new (KITH_TYPE_CONFLICT_CARD, NULL);
  self->conflict = conflict;

  what = kith_conflict_fields_describe_type (conflict->type);
  if (person_name != NULL && *person_name != '\0')
    /* Translators: what changed, and whose it is: "Care plan · Margaret Smith" */
    title = g_strdup_printf (_("%s · %s"), what, person_name);
  else
    title = g_strdup (what);
  gtk_label_set_text (self->title_label, title);

  if (conflict->remote == NULL)
    gtk_label_set_text (self->subtitle_label,
                        _("Someone deleted this on the practice server after you changed it. "
                          "Keep yours to put it back with your changes."));
  else
    gtk_label_set_text (self->subtitle_label,
                        _("You and someone else both changed this. Choose which version to keep "
                          "of each difference. Both are kept safe until you decide."));

  self->per_field = conflict->local != NULL && conflict->remote != NULL;
  for (guint i = 0; conflict->paths != NULL && conflict->paths[i] != NULL; i++)
    {
      add_field (self, conflict->paths[i]);
      self->per_field &= !kith_conflict_fields_is_deletion (conflict->paths[i]);
    }

  /* What cannot be expressed as a version to keep is not offered. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->keep_mine_button), conflict->local != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keep_theirs_button), conflict->remote != NULL);
  for (guint i = 0; i < self->mine_checks->len; i++)
    {
      gtk_widget_set_sensitive (self->mine_checks->pdata[i], self->per_field);
      gtk_widget_set_sensitive (self->theirs_checks->pdata[i], self->per_field);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->use_choices_button), self->per_field);
  update_use_choices (self);

  return self;
}

const KithSyncConflict *
kith_conflict_card_get_conflict (KithConflictCard *self)
{
  g_return_val_if_fail (KITH_IS_CONFLICT_CARD (self), NULL);

  return self->conflict;
}

void
kith_conflict_card_show_problem (KithConflictCard *self,
                                 const char       *message)
{
  g_return_if_fail (KITH_IS_CONFLICT_CARD (self));

  gtk_label_set_text (self->problem_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), message != NULL);
}

guint
kith_conflict_card_get_n_fields (KithConflictCard *self)
{
  g_return_val_if_fail (KITH_IS_CONFLICT_CARD (self), 0);

  return self->mine_checks->len;
}

void
kith_conflict_card_choose (KithConflictCard *self,
                           guint             field,
                           gboolean          mine)
{
  g_return_if_fail (KITH_IS_CONFLICT_CARD (self));
  g_return_if_fail (field < self->mine_checks->len);

  gtk_check_button_set_active (mine ? self->mine_checks->pdata[field] : self->theirs_checks->pdata[field],
                               TRUE);
}

GtkButton *
kith_conflict_card_get_keep_mine_button (KithConflictCard *self)
{
  return self->keep_mine_button;
}

GtkButton *
kith_conflict_card_get_keep_theirs_button (KithConflictCard *self)
{
  return self->keep_theirs_button;
}

GtkButton *
kith_conflict_card_get_use_choices_button (KithConflictCard *self)
{
  return self->use_choices_button;
}
