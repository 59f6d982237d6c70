/** A comment on an issue or pull request. */
export interface IssueComment {
  id: number;
  body: string;
  /** Login of the author, when GitHub says. */
  author: string | null;
  url: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  url: string;
}

export interface IssueUpdate {
  body?: string;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened';
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  url: string;
  /** Branch names (in this repository). */
  head: string;
  base: string;
}

/** The few GitHub REST calls the workflows need, on one repository. */
export interface GitHubPort {
  /** Every comment, oldest first (all pages). */
  listComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<IssueComment>;
  updateComment(id: number, body: string): Promise<IssueComment>;
  deleteComment(id: number): Promise<void>;
  /** Open issues (not pull requests) with this label (all pages). */
  listOpenIssues(label: string): Promise<Issue[]>;
  createIssue(input: { title: string; body: string; labels: string[] }): Promise<Issue>;
  updateIssue(issue: number, update: IssueUpdate): Promise<Issue>;
  /** Creates the label when the repository does not have it yet. */
  ensureLabel(name: string, color: string, description: string): Promise<void>;
  /** The open pull request from this branch of the repository, if any. */
  findOpenPull(head: string): Promise<PullRequest | null>;
  createPull(input: { title: string; body: string; head: string; base: string }): Promise<PullRequest>;
  updatePull(pull: number, update: { title?: string; body?: string }): Promise<PullRequest>;
}
