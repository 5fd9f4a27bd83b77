//! Entry links' public ids (`/e/{publicId}`) and the events they stand
//! for, learnt from the event service's entry state.

use platform::{db::StoreError, with_db};

use super::ParticipationStore;

impl ParticipationStore {
    /// Remembers that `public_id` is `event_id`'s (a public id never moves).
    pub async fn remember_public_id(
        &self,
        public_id: &str,
        event_id: &str,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO public_ids (public_id, event_id) VALUES ($1, $2) \
                 ON CONFLICT (public_id) DO NOTHING",
            )
            .bind(public_id)
            .bind(event_id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The event a public id stands for, when known here.
    pub async fn event_for_public_id(&self, public_id: &str) -> Result<Option<String>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT event_id FROM public_ids WHERE public_id = $1")
                .bind(public_id)
                .fetch_optional(pool)
                .await
        })?)
    }
}
