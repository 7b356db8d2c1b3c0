// People to filter by: the selected project's members, else the user (and for admins, everyone).
import { personOptions } from "@/lib/options";
import { usePeople } from "@/lib/pickers";
import type { UserRef } from "@/lib/types";

export { personOptions };

export function usePeopleFor(project: string): UserRef[] {
  return usePeople(/^\d+$/.test(project) ? Number(project) : null);
}
