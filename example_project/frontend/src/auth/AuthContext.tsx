/**
 * Who is logged in, and the flows that change it: register, log in, log out, and the end of a
 * session whose refresh token stopped working (expired, revoked by a password change, user
 * deactivated). The last one redirects to the login page with a message, remembering where the
 * user was so logging in again brings them back.
 */

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import { api, publicApi, SESSION_EXPIRED, sessionEvents, tokenStore, unwrap } from "../api/client";
import type { User } from "../api/types";
import type { components } from "../api/schema";
import { isRecord, safeReturnPath } from "../guards";

export type RegisterInput = components["schemas"]["RegisterRequest"];

export interface AuthState {
  user: User | null;
  /** True until the stored session (if any) has been checked. */
  checking: boolean;
  login: (username: string, password: string) => Promise<User>;
  register: (input: RegisterInput) => Promise<User>;
  logout: () => Promise<void>;
  /** Re-reads the user (after a profile change). */
  refreshUser: () => Promise<void>;
  /** Trades the single-use code of an LTI launch for a session; returns what the link opens. */
  startLtiSession: (code: string) => Promise<LtiTarget>;
}

/** What an LTI link opens: a course, or one task of it. */
export interface LtiTarget {
  course: string;
  task: number | null;
}

const AuthContext = createContext<AuthState | null>(null);

export interface LoginLocationState {
  from?: string;
  expired?: boolean;
}

/** The login page's router state, from whatever `location.state` holds (`from` only when it is
 * a path of this site: see `safeReturnPath`). */
export function loginStateOf(state: unknown): LoginLocationState {
  if (!isRecord(state)) return {};
  return {
    from: safeReturnPath(state.from),
    expired: state.expired === true,
  };
}

async function fetchMe(): Promise<User> {
  return unwrap(api.GET("/api/auth/me/"));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(() => tokenStore.get() !== null);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    if (!tokenStore.get()) return;
    let cancelled = false;
    fetchMe()
      .then((me) => !cancelled && setUser(me))
      .catch(() => !cancelled && setUser(null))
      .finally(() => !cancelled && setChecking(false));
    return () => {
      cancelled = true;
    };
  }, []);

  // Logging out in another tab logs out this one too.
  useEffect(
    () =>
      tokenStore.subscribe((tokens) => {
        if (!tokens) setUser(null);
      }),
    [],
  );

  useEffect(() => {
    const onExpired = () => {
      setUser(null);
      const state: LoginLocationState = {
        expired: true,
        from: location.pathname + location.search,
      };
      void navigate("/login", { state, replace: true });
    };
    sessionEvents.addEventListener(SESSION_EXPIRED, onExpired);
    return () => sessionEvents.removeEventListener(SESSION_EXPIRED, onExpired);
  }, [navigate, location.pathname, location.search]);

  const login = useCallback(async (username: string, password: string) => {
    const tokens = await unwrap(publicApi.POST("/api/auth/token/", { body: { username, password } }));
    tokenStore.set({ access: tokens.access, refresh: tokens.refresh });
    const me = await fetchMe();
    setUser(me);
    return me;
  }, []);

  const register = useCallback(async (input: RegisterInput) => {
    const result = await unwrap(publicApi.POST("/api/auth/register/", { body: input }));
    tokenStore.set({ access: result.access, refresh: result.refresh });
    setUser(result.user);
    return result.user;
  }, []);

  const logout = useCallback(async () => {
    const tokens = tokenStore.get();
    try {
      if (tokens) await api.POST("/api/auth/logout/", { body: { refresh: tokens.refresh } });
    } catch {
      // Offline or already revoked: forgetting the tokens locally still logs this browser out.
    } finally {
      tokenStore.set(null);
      setUser(null);
    }
  }, []);

  const refreshUser = useCallback(async () => {
    setUser(await fetchMe());
  }, []);

  const startLtiSession = useCallback(async (code: string) => {
    const session = await unwrap(publicApi.POST("/api/lti/session/", { body: { code } }));
    tokenStore.set({ access: session.access, refresh: session.refresh });
    setUser(await fetchMe());
    return { course: session.course, task: session.task ?? null };
  }, []);

  const value = useMemo(
    () => ({ user, checking, login, register, logout, refreshUser, startLtiSession }),
    [user, checking, login, register, logout, refreshUser, startLtiSession],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() needs an <AuthProvider> above it.");
  return value;
}

export function isInstructor(user: User | null): boolean {
  return user?.role === "instructor" || user?.role === "admin";
}

/** The page an LTI link opens. */
export function ltiTargetPath(target: LtiTarget): string {
  const course = `/courses/${encodeURIComponent(target.course)}`;
  return target.task === null ? course : `${course}/tasks/${target.task}`;
}

/** Where a user lands after logging in when no page asked for it: students on their to-do. */
export function homePathOf(user: User | null): string {
  return user && !isInstructor(user) ? "/home" : "/";
}
