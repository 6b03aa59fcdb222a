-- Sign-in through an OAuth provider (GitHub, when its keys are configured): the provider has
-- verified the email, so the account for that email is found or created, without a password and
-- without any tenant (the user then creates a workspace or accepts an invitation).
CREATE FUNCTION bulkhead.user_for_oauth(p_email text, p_name text)
RETURNS TABLE (id uuid, session_version integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO public.users (email, name, email_verified) VALUES (lower(p_email), p_name, now())
    ON CONFLICT (email) DO NOTHING;
  RETURN QUERY SELECT u.id, u.session_version FROM public.users u WHERE u.email = lower(p_email);
END
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  definer name := bulkhead.role('definer');
BEGIN
  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  EXECUTE format('ALTER FUNCTION bulkhead.user_for_oauth(text, text) OWNER TO %I', definer);
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
  REVOKE ALL ON FUNCTION bulkhead.user_for_oauth(text, text) FROM PUBLIC;
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.user_for_oauth(text, text) TO %I', app);
END
$$;
