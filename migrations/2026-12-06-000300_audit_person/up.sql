-- The person behind a change made with an OpenID Connect access token (issue 24): their name
-- is `actor_name`; these say who they are at the identity provider. Null for API tokens and
-- the system.
ALTER TABLE audit_events
    ADD COLUMN actor_email text,
    ADD COLUMN actor_subject text,
    ADD COLUMN actor_issuer text,
    ADD CONSTRAINT audit_events_person_is_whole
        CHECK ((actor_subject IS NULL) = (actor_issuer IS NULL));
