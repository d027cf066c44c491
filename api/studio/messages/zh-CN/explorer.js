// zh-CN messages for the explorer pages.
export default {
};
