/* direction.h: which way a statement goes (SPEC §7): incoming, from a peer
 * to our groups, or outgoing, the IETF's own, from one of our groups to a
 * peer (a Datatracker notification whose From Group is ours and whose To
 * Group is a peer, a chair's or AD's statement written to a peer). Pure:
 * it reads the resolved statement, the message and the directory. */
#ifndef LIAISON_DIRECTION_H
#define LIAISON_DIRECTION_H

#include "base/conf.h"
#include "base/statement.h"
#include "input/message.h"

/* The start of the hold reason of a statement that claims to be the
 * IETF's own and whose sender may not say so; it is a sender reason
 * (authorize_is_sender_reason()). */
#define DIRECTION_REFUSED "unauthorized sender: it claims to be the IETF's own statement"

/* The group of ours @statement (from_org_text resolved or not) says it is
 * from ("From Group:", "From:"); else, for @from_address (an addr-spec,
 * may be NULL) that is a list, chair or AD of a group, that group. NULL
 * when neither. Belongs to @config. */
const Group *direction_own_group (const Config *config, const Statement *statement,
                                  const char *from_address);

/* The peer organizations @statement is written to: those its
 * destinations ("To Group:", "To:") name, then those whose domains the
 * To addresses of @message (may be NULL) are in; canonical names, no
 * group of ours among the destinations. Newly allocated array of char*,
 * empty when it is written to one of our groups or to no peer. */
GPtrArray *direction_peers (const Config *config, const Statement *statement,
                            const Message *message);

/* Decides the direction of @statement (extracted and resolved), from
 * @message. An outgoing one (direction_own_group() and direction_peers()
 * both found) becomes DIRECTION_OUTGOING with from_org the group's name
 * and groups the peers, and loses resolve's "unresolved destination
 * group" reason. It is accepted only from a trusted relay or from a list,
 * chair or AD of the group, whom authorize_known_sender() believes;
 * otherwise its hold reason starts with DIRECTION_REFUSED and says why.
 * An incoming statement is left as it is. */
void direction_resolve (Statement *statement, const Config *config, const Message *message);

#endif
