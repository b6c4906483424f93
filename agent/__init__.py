"""The conversational agent: `RecommenderAgent.load(dataset=...)`, sessions, profiles, replies."""

from agent.agent import RecommenderAgent
from agent.session import ProfileView, Question, Recommendation, Reply, Session

__all__ = ["ProfileView", "Question", "Recommendation", "RecommenderAgent", "Reply", "Session"]
